-- Team box scores of the simulated season, summed from the plays: each side's offense
-- (yards, first downs, conversions, turnovers, possession) and the penalties it made.
-- As dlt writes CFBD /games/teams: a parent row per game (id = game id), a child row per
-- team, and a grandchild row per {category, stat} pair, stat being text ("7-55").
CREATE TEMP TABLE seed_box AS
SELECT sides.*,
       CASE WHEN sides.is_home THEN g.home_team ELSE g.away_team END AS team,
       CASE WHEN sides.is_home THEN g.home_id ELSE g.away_id END AS team_id,
       CASE WHEN sides.is_home THEN g.home_conference ELSE g.away_conference END AS conference,
       g.season
FROM (
    SELECT
        s.game_id,
        side.is_home,
        count(*) FILTER (WHERE s.off_home = side.is_home AND s.action = 'rush')::integer AS rushes,
        coalesce(sum(s.gain) FILTER (WHERE s.off_home = side.is_home AND s.action = 'rush'), 0)::integer AS rush_yards,
        count(*) FILTER (WHERE s.off_home = side.is_home
                           AND s.play_type IN ('Pass Reception', 'Passing Touchdown'))::integer AS completions,
        count(*) FILTER (WHERE s.off_home = side.is_home AND s.action = 'pass'
                           AND s.play_type <> 'Sack')::integer AS attempts,
        coalesce(sum(s.gain) FILTER (WHERE s.off_home = side.is_home AND s.action = 'pass'), 0)::integer AS pass_yards,
        count(*) FILTER (WHERE s.off_home = side.is_home AND s.first_down)::integer AS first_downs,
        count(*) FILTER (WHERE s.off_home = side.is_home
                           AND s.play_type = 'Fumble Recovery (Opponent)')::integer AS fumbles_lost,
        count(*) FILTER (WHERE s.off_home = side.is_home
                           AND s.play_type = 'Pass Interception Return')::integer AS interceptions,
        count(*) FILTER (WHERE s.play_type = 'Penalty'
                           AND (s.off_home = side.is_home) = (s.gain < 0))::integer AS penalties,
        coalesce(sum(abs(s.gain)) FILTER (WHERE s.play_type = 'Penalty'
                           AND (s.off_home = side.is_home) = (s.gain < 0)), 0)::integer AS penalty_yards,
        count(*) FILTER (WHERE s.off_home = side.is_home AND s.down = 3
                           AND s.action IN ('rush', 'pass'))::integer AS third_attempts,
        count(*) FILTER (WHERE s.off_home = side.is_home AND s.down = 3
                           AND s.action IN ('rush', 'pass')
                           AND (s.first_down OR s.gain >= s.ytg))::integer AS third_conversions,
        count(*) FILTER (WHERE s.off_home = side.is_home AND s.down = 4
                           AND s.action IN ('rush', 'pass'))::integer AS fourth_attempts,
        count(*) FILTER (WHERE s.off_home = side.is_home AND s.down = 4
                           AND s.action IN ('rush', 'pass')
                           AND (s.first_down OR s.gain >= s.ytg))::integer AS fourth_conversions,
        coalesce(sum(s.clock_used) FILTER (WHERE s.off_home = side.is_home AND s.period <= 4), 0)::integer AS possession,
        sum(CASE WHEN side.is_home THEN s.home_gain ELSE s.away_gain END)::integer AS points
    FROM seed_sim AS s
    CROSS JOIN (VALUES (true), (false)) AS side (is_home)
    GROUP BY s.game_id, side.is_home

) AS sides
JOIN core.games AS g ON g.id = sides.game_id
-- two teams of one name in one game cannot both be keyed by name
WHERE g.home_team <> g.away_team;

INSERT INTO core.game_team_stats (id, _dlt_load_id, _dlt_id)
SELECT DISTINCT b.game_id, pg_temp.load_id(b.season::integer),
       pg_temp.dlt_id('game_team_stats', b.game_id::text)
FROM seed_box AS b
ORDER BY b.game_id;

INSERT INTO core.game_team_stats__teams (
    team_id, team, conference, home_away, points,
    _dlt_root_id, _dlt_parent_id, _dlt_list_idx, _dlt_id)
SELECT b.team_id, b.team, b.conference, CASE WHEN b.is_home THEN 'home' ELSE 'away' END,
       b.points, p._dlt_id, p._dlt_id, CASE WHEN b.is_home THEN 0 ELSE 1 END,
       pg_temp.dlt_id('game_team_stats__teams', b.game_id || '/' || b.is_home)
FROM seed_box AS b
JOIN core.game_team_stats AS p ON p.id = b.game_id
ORDER BY b.game_id, b.is_home DESC;

INSERT INTO core.game_team_stats__teams__stats (
    category, stat, _dlt_root_id, _dlt_parent_id, _dlt_list_idx, _dlt_id)
SELECT st.category, st.stat, p._dlt_id, t._dlt_id, st.idx - 1,
       pg_temp.dlt_id('game_team_stats__teams__stats', b.game_id || '/' || b.is_home || '/' || st.idx)
FROM seed_box AS b
JOIN core.game_team_stats AS p ON p.id = b.game_id
JOIN core.game_team_stats__teams AS t
    ON t._dlt_parent_id = p._dlt_id AND t._dlt_list_idx = CASE WHEN b.is_home THEN 0 ELSE 1 END
CROSS JOIN LATERAL (
    VALUES
        (1, 'firstDowns', b.first_downs::text),
        (2, 'totalYards', (b.rush_yards + b.pass_yards)::text),
        (3, 'netPassingYards', b.pass_yards::text),
        (4, 'completionAttempts', b.completions || '-' || b.attempts),
        (5, 'rushingYards', b.rush_yards::text),
        (6, 'rushingAttempts', b.rushes::text),
        (7, 'yardsPerRushAttempt', round(b.rush_yards::numeric / nullif(b.rushes, 0), 1)::text),
        (8, 'totalPenaltiesYards', b.penalties || '-' || b.penalty_yards),
        (9, 'turnovers', (b.fumbles_lost + b.interceptions)::text),
        (10, 'fumblesLost', b.fumbles_lost::text),
        (11, 'interceptions', b.interceptions::text),
        (12, 'thirdDownEff', b.third_conversions || '-' || b.third_attempts),
        (13, 'fourthDownEff', b.fourth_conversions || '-' || b.fourth_attempts),
        (14, 'possessionTime', (b.possession / 60) || ':' || lpad((b.possession % 60)::text, 2, '0'))
) AS st (idx, category, stat)
WHERE st.stat IS NOT NULL
ORDER BY b.game_id, b.is_home DESC, st.idx;

DROP TABLE seed_box;
