-- Plays of the simulated season (seed_sim; CFBD play and drive ids are strings), with
-- CFBD-style play text naming the players (the same athletes play_stats credits).
INSERT INTO core.plays (
    id, season, game_id, drive_id, drive_number, play_number, offense, offense_conference,
    offense_score, defense, defense_conference, defense_score, home, away, period,
    clock__minutes, clock__seconds, offense_timeouts, defense_timeouts, yardline,
    yards_to_goal, down, distance, yards_gained, scoring, play_type, play_text, ppa, wallclock,
    _dlt_load_id, _dlt_id)
SELECT
    (s.game_id::bigint * 1000 + s.n)::text,
    g.season,
    s.game_id,
    (s.game_id::bigint * 100 + s.drive_no)::text,
    s.drive_no,
    s.n,
    p.offense,
    p.offense_conference,
    CASE WHEN s.off_home THEN s.home_pts ELSE s.away_pts END,
    p.defense,
    p.defense_conference,
    CASE WHEN s.off_home THEN s.away_pts ELSE s.home_pts END,
    g.home_team,
    g.away_team,
    s.period,
    s.clock / 60,
    s.clock % 60,
    CASE WHEN s.period IN (2, 4) THEN greatest(0, 3 - (900 - s.clock) / 300) ELSE 3 END,
    CASE WHEN s.period IN (2, 4) THEN greatest(0, 3 - (900 - s.clock) / 360) ELSE 3 END,
    CASE WHEN s.off_home THEN 100 - p.yards_to_goal ELSE p.yards_to_goal END,
    p.yards_to_goal,
    CASE WHEN s.kind = 1 THEN s.down END,
    CASE WHEN s.kind = 1 THEN s.distance END,
    CASE WHEN s.kind = 1 THEN s.gain ELSE 0 END,
    s.home_gain + s.away_gain > 0,
    s.play_type,
    CASE s.play_type
        WHEN 'Rush' THEN p.rusher || ' run for ' || p.yards_text
        WHEN 'Fumble Recovery (Own)' THEN p.rusher || ' run for ' || p.yards_text
                                          || ', fumbled, recovered by ' || p.offense
        WHEN 'Rushing Touchdown' THEN p.rusher || ' ' || s.gain || ' yd run for a TD'
        WHEN 'Pass Reception' THEN p.passer || ' pass complete to ' || p.receiver || ' for ' || p.yards_text
        WHEN 'Passing Touchdown' THEN p.passer || ' pass complete to ' || p.receiver
                                      || ' for ' || s.gain || ' yds for a TD'
        WHEN 'Pass Incompletion' THEN p.passer || ' pass incomplete to ' || p.receiver
                                      || CASE WHEN s.broken_up THEN ', broken up by ' || p.cover ELSE '' END
        WHEN 'Sack' THEN p.passer || ' sacked by ' || p.pass_rusher || ' for a loss of '
                         || -s.gain || ' yards'
        WHEN 'Pass Interception Return' THEN p.passer || ' pass intercepted by ' || p.cover
        WHEN 'Fumble Recovery (Opponent)' THEN
            CASE WHEN s.action = 'rush' THEN p.rusher ELSE p.receiver END
            || ' fumbled after a gain of ' || s.gain || ', recovered by ' || p.defense
        WHEN 'Punt' THEN p.defense || ' returns a ' || s.detail || ' yd punt by ' || p.offense
        WHEN 'Field Goal Good' THEN s.detail || ' yd FG GOOD'
        WHEN 'Field Goal Missed' THEN s.detail || ' yd FG MISSED'
        WHEN 'Extra Point Good' THEN 'PAT GOOD'
        WHEN 'Extra Point Missed' THEN 'PAT MISSED'
        WHEN 'Kickoff' THEN p.defense || ' kickoff, returned by ' || p.offense
        WHEN 'Kickoff Return Touchdown' THEN p.defense || ' kickoff returned for a TD by ' || p.offense
        WHEN 'Penalty' THEN CASE WHEN s.gain < 0 THEN p.offense ELSE p.defense END
                            || ' penalty, ' || abs(s.gain) || ' yards'
    END,
    s.ppa,
    g.start_date + make_interval(secs => 68 * s.n),
    pg_temp.load_id(g.season::integer),
    pg_temp.dlt_id('plays', (s.game_id::bigint * 1000 + s.n)::text)
FROM seed_sim AS s
JOIN core.games AS g ON g.id = s.game_id
CROSS JOIN LATERAL (
    SELECT
        CASE WHEN s.off_home THEN g.home_team ELSE g.away_team END AS offense,
        CASE WHEN s.off_home THEN g.home_conference ELSE g.away_conference END AS offense_conference,
        CASE WHEN s.off_home THEN g.away_team ELSE g.home_team END AS defense,
        CASE WHEN s.off_home THEN g.away_conference ELSE g.home_conference END AS defense_conference,
        CASE s.kind WHEN 0 THEN 65 WHEN 2 THEN 3 ELSE s.ytg END AS yards_to_goal,
        CASE WHEN s.gain > 0 THEN s.gain || ' yds' WHEN s.gain = 0 THEN 'no gain'
             ELSE 'a loss of ' || -s.gain || ' yards' END AS yards_text,
        pg_temp.player_name(pg_temp.season_athlete(o.team_id, g.season,
            pg_temp.rusher_slot(s.game_id::bigint * 1000 + s.n))) AS rusher,
        pg_temp.player_name(pg_temp.season_athlete(o.team_id, g.season,
            pg_temp.passer_slot(s.game_id::bigint * 1000 + s.n))) AS passer,
        pg_temp.player_name(pg_temp.season_athlete(o.team_id, g.season,
            pg_temp.receiver_slot(s.game_id::bigint * 1000 + s.n))) AS receiver,
        pg_temp.player_name(pg_temp.season_athlete(o.opponent_id, g.season,
            pg_temp.rusher_of_passer_slot(s.game_id::bigint * 1000 + s.n))) AS pass_rusher,
        pg_temp.player_name(pg_temp.season_athlete(o.opponent_id, g.season,
            pg_temp.cover_slot(s.game_id::bigint * 1000 + s.n))) AS cover
    FROM (SELECT CASE WHEN s.off_home THEN g.home_id ELSE g.away_id END AS team_id,
                 CASE WHEN s.off_home THEN g.away_id ELSE g.home_id END AS opponent_id) AS o
) AS p
ORDER BY s.game_id, s.n;
