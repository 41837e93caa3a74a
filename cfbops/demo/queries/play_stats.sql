-- Player involvement in the simulated season's plays (CFBD /plays/stats), for seasons
-- from seed_scale.stats_first on: older seasons stay "not backfilled yet", the known
-- defect. Passer, rusher, receiver and defender are the athletes the play text names.
-- play, drive and athlete ids are CFBD strings.
INSERT INTO stats.play_stats (
    game_id, season, week, team, conference, opponent, team_score, opponent_score, drive_id,
    play_id, period, clock__minutes, clock__seconds, yards_to_goal, down, distance,
    athlete_id, athlete_name, stat_type, stat, _dlt_load_id, _dlt_id)
WITH plays AS (
    SELECT
        s.*,
        s.game_id::bigint * 1000 + s.n AS k,
        g.season,
        g.week,
        g.season_type,
        CASE WHEN s.off_home THEN g.home_id ELSE g.away_id END AS off_id,
        CASE WHEN s.off_home THEN g.away_id ELSE g.home_id END AS def_id,
        CASE WHEN s.off_home THEN g.home_team ELSE g.away_team END AS offense,
        CASE WHEN s.off_home THEN g.away_team ELSE g.home_team END AS defense,
        CASE WHEN s.off_home THEN g.home_conference ELSE g.away_conference END AS off_conference,
        CASE WHEN s.off_home THEN g.away_conference ELSE g.home_conference END AS def_conference,
        CASE WHEN s.off_home THEN s.home_pts ELSE s.away_pts END AS off_score,
        CASE WHEN s.off_home THEN s.away_pts ELSE s.home_pts END AS def_score
    FROM seed_sim AS s
    JOIN core.games AS g ON g.id = s.game_id
    CROSS JOIN seed_scale AS sc
    WHERE g.season >= sc.stats_first
      AND s.action IN ('rush', 'pass')
),
credits AS (
    -- (side, slot, stat_type, stat): side o = offense, d = defense
    SELECT p.*, c.side, c.slot, c.stat_type, c.stat
    FROM plays AS p
    CROSS JOIN LATERAL (
        SELECT pg_temp.rusher_slot(p.k) AS rusher, pg_temp.passer_slot(p.k) AS passer,
               pg_temp.receiver_slot(p.k) AS receiver,
               pg_temp.rusher_of_passer_slot(p.k) AS pass_rusher, pg_temp.cover_slot(p.k) AS cover
        OFFSET 0
    ) AS who
    CROSS JOIN LATERAL (
        VALUES
            ('o', who.rusher, 'Rush', p.gain, p.action = 'rush'),
            ('o', who.rusher, 'Fumble', 1, p.action = 'rush' AND p.play_type = 'Fumble Recovery (Opponent)'),
            ('o', who.passer, 'Completion', p.gain,
                p.play_type IN ('Pass Reception', 'Passing Touchdown')
                OR (p.action = 'pass' AND p.play_type = 'Fumble Recovery (Opponent)')),
            ('o', who.receiver, 'Reception', p.gain,
                p.play_type IN ('Pass Reception', 'Passing Touchdown')
                OR (p.action = 'pass' AND p.play_type = 'Fumble Recovery (Opponent)')),
            ('o', who.receiver, 'Fumble', 1, p.action = 'pass' AND p.play_type = 'Fumble Recovery (Opponent)'),
            ('o', who.receiver, 'Target', 1,
                p.action = 'pass' AND p.play_type <> 'Sack'),
            ('o', who.passer, 'Incompletion', 1, p.play_type = 'Pass Incompletion'),
            ('o', who.passer, 'Sack Taken', p.gain, p.play_type = 'Sack'),
            ('o', who.passer, 'Interception Thrown', 1, p.play_type = 'Pass Interception Return'),
            ('o', CASE WHEN p.action = 'rush' THEN who.rusher ELSE who.receiver END, 'Touchdown', 1,
                p.play_type IN ('Rushing Touchdown', 'Passing Touchdown')),
            ('d', who.pass_rusher, 'Sack', 1, p.play_type = 'Sack'),
            ('d', who.cover, 'Interception', 1, p.play_type = 'Pass Interception Return'),
            ('d', who.cover, 'Pass Breakup', 1, p.broken_up),
            ('d', who.cover, 'Fumble Recovered', 1, p.play_type = 'Fumble Recovery (Opponent)')
    ) AS c (side, slot, stat_type, stat, applies)
    WHERE c.applies
),
credited AS (
    SELECT c.*,
           pg_temp.season_athlete(CASE c.side WHEN 'o' THEN c.off_id ELSE c.def_id END,
                                  c.season, c.slot) AS athlete_id
    FROM credits AS c
    OFFSET 0
)
SELECT
    c.game_id,
    c.season,
    c.week,
    CASE c.side WHEN 'o' THEN c.offense ELSE c.defense END,
    CASE c.side WHEN 'o' THEN c.off_conference ELSE c.def_conference END,
    CASE c.side WHEN 'o' THEN c.defense ELSE c.offense END,
    CASE c.side WHEN 'o' THEN c.off_score ELSE c.def_score END,
    CASE c.side WHEN 'o' THEN c.def_score ELSE c.off_score END,
    (c.game_id::bigint * 100 + c.drive_no)::text,
    c.k::text,
    c.period,
    c.clock / 60,
    c.clock % 60,
    c.ytg,
    c.down,
    c.distance,
    c.athlete_id::text,
    pg_temp.player_name(c.athlete_id),
    c.stat_type,
    c.stat,
    pg_temp.load_id(c.season::integer),
    pg_temp.dlt_id('play_stats', c.k || '/' || c.athlete_id || '/' || c.stat_type)
FROM credited AS c
ORDER BY c.game_id, c.k, c.athlete_id, c.stat_type;
