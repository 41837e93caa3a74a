-- Play-by-play of one season (seed_step.season), simulated snap by snap for every game
-- that gets play-by-play, all games at once: a recursive query whose every step plays
-- the next snap of each game still going. A row is one play: the situation before it
-- (possession, period, clock, score, yards to goal, down, distance), what happened (play
-- type, yards, points, EPA) and the situation it leaves (nx_*). Kickoffs, punts, field
-- goals, turnovers, turnover on downs, halves, sudden-death overtime. Drives, box
-- scores, havoc, player stats and the games' final scores are all read off these rows,
-- so they agree with each other. Kickoffs and tries belong to the drive of the team
-- listed as offense (the receiving team, the scoring team).
CREATE TEMP TABLE seed_sim_game AS
SELECT
    g.id AS game_id,
    sg.home_edge AS edge,
    pg_temp.u(g.id, 307) < 0.5 AS recv_first_home
FROM core.games AS g
JOIN seed_game AS sg ON sg.game_id = g.id
CROSS JOIN seed_scale AS sc
WHERE g.season = (SELECT season FROM seed_step)
  AND g.completed
  AND g.home_points IS NOT NULL
  AND g.away_points IS NOT NULL
  AND CASE WHEN sc.play_focus IS NULL
           THEN g.home_classification = 'fbs' OR g.away_classification = 'fbs'
                OR g.home_team = g.away_team
           ELSE g.home_team = ANY (sc.play_focus) OR g.away_team = ANY (sc.play_focus) END;
ANALYZE seed_sim_game;

CREATE TEMP TABLE seed_sim AS
WITH RECURSIVE sim (
    game_id, n, drive_no, kind, off_home, period, clock, home_pts, away_pts,
    ytg, down, distance, edge, recv_first_home,
    action, play_type, gain, detail, broken_up, clock_used, home_gain, away_gain, ppa,
    first_down, drive_end,
    nx_kind, nx_off_home, nx_period, nx_clock, nx_drive_no, nx_ytg, nx_down, nx_distance, final
) AS (
    -- before the opening kickoff
    SELECT g.game_id, 0, 0, -1, NULL::boolean, 1, 900, 0, 0,
           NULL::integer, NULL::integer, NULL::integer, g.edge, g.recv_first_home,
           NULL::text, NULL::text, NULL::integer, NULL::integer, false, 0, 0, 0,
           NULL::double precision, false, NULL::text,
           0, g.recv_first_home, 1, 900, 1, NULL::integer, NULL::integer, NULL::integer, false
    FROM seed_sim_game AS g
    UNION ALL
    SELECT st.game_id, st.n, st.drive_no, st.kind, st.off_home, st.period, st.clock,
           st.home_pts, st.away_pts, st.ytg, st.down, st.distance, st.edge, st.recv_first_home,
           a.action, o.play_type, o.gain, o.detail, o.broken_up, o.clock_used,
           CASE WHEN st.off_home THEN o.off_points ELSE 0 END,
           CASE WHEN st.off_home THEN 0 ELSE o.off_points END,
           CASE WHEN a.action IN ('rush', 'pass') THEN round((
               CASE WHEN o.scores_td THEN 7.0
                    WHEN o.change THEN -pg_temp.expected_points(o.their_ytg, 1, least(10, o.their_ytg))
                    ELSE pg_temp.expected_points(o.a_ytg, o.a_down, o.a_distance) END
               - pg_temp.expected_points(st.ytg, st.down, st.distance))::numeric, 3)::double precision
           END,
           o.first_down,
           CASE WHEN x.final OR x.nx_drive_no <> st.drive_no
                THEN coalesce(o.cause, CASE WHEN x.final THEN 'END OF GAME'
                                            WHEN st.period = 2 THEN 'END OF HALF'
                                            ELSE 'END OF REGULATION' END) END,
           x.nx_kind, x.nx_off_home, x.nx_period, x.nx_clock, x.nx_drive_no,
           x.nx_ytg, x.nx_down, x.nx_distance, x.final
    FROM sim AS s
    -- the situation now: what the last play left
    CROSS JOIN LATERAL (
        SELECT s.game_id, s.n + 1 AS n, s.nx_drive_no AS drive_no, s.nx_kind AS kind,
               s.nx_off_home AS off_home, s.nx_period AS period, s.nx_clock AS clock,
               s.home_pts + s.home_gain AS home_pts, s.away_pts + s.away_gain AS away_pts,
               s.nx_ytg AS ytg, s.nx_down AS down, s.nx_distance AS distance,
               s.edge, s.recv_first_home,
               s.game_id::bigint * 1000 + s.n + 1 AS k,
               greatest(-1.6, least(1.6, CASE WHEN s.nx_off_home THEN s.edge ELSE -s.edge END / 16.0)) AS adv,
               CASE WHEN s.nx_off_home THEN s.home_pts + s.home_gain - s.away_pts - s.away_gain
                    ELSE s.away_pts + s.away_gain - s.home_pts - s.home_gain END AS lead
        OFFSET 0
    ) AS st
    -- the dice of this play, drawn once
    CROSS JOIN LATERAL (
        SELECT pg_temp.u(st.k, 401) AS u1, pg_temp.u(st.k, 409) AS u2,
               pg_temp.u(st.k, 419) AS u3, pg_temp.u(st.k, 421) AS u4,
               pg_temp.u(st.k, 431) AS u5, pg_temp.u(st.k, 433) AS u6,
               pg_temp.u(st.k, 439) AS u7, pg_temp.u(st.k, 443) AS u8
        OFFSET 0
    ) AS r
    -- the call
    CROSS JOIN LATERAL (
        SELECT CASE
            WHEN st.kind = 0 THEN 'kickoff'
            WHEN st.kind = 2 THEN 'pat'
            WHEN r.u8 < 0.05 THEN 'penalty'
            WHEN st.down = 4 AND st.ytg <= 38 AND NOT (st.distance <= 1 AND r.u1 < 0.3)
                THEN 'fg'
            WHEN st.down = 4 AND NOT (st.distance <= 2 AND st.ytg <= 55 AND r.u1 < 0.5)
                 AND NOT (st.period >= 4 AND st.clock < 240 AND st.lead < 0)
                THEN 'punt'
            WHEN r.u7 < 0.44 + CASE WHEN st.down = 3 AND st.distance >= 5 THEN 0.32
                                    WHEN st.down = 2 AND st.distance >= 8 THEN 0.14
                                    WHEN st.distance <= 2 THEN -0.2
                                    ELSE 0 END
                               + CASE WHEN st.period >= 4 AND st.lead < 0 THEN 0.2 ELSE 0 END
                THEN 'pass'
            ELSE 'rush'
        END AS action,
        CASE WHEN r.u2 < 0.05 - 0.005 * st.adv THEN 'sack'
             WHEN r.u2 < 0.074 - 0.008 * st.adv THEN 'interception'
             WHEN r.u2 < 0.38 - 0.028 * st.adv THEN 'incomplete'
             ELSE 'complete' END AS pass_result
        OFFSET 0
    ) AS a
    -- yards
    CROSS JOIN LATERAL (
        SELECT
            CASE
                WHEN a.action = 'rush'
                    THEN greatest(least(floor(-1.5 + 6 * r.u3 + 34 * power(r.u4, 8) + st.adv)::integer,
                                        st.ytg), st.ytg - 99)
                WHEN a.action = 'pass' AND a.pass_result = 'sack'
                    THEN greatest(-(2 + floor(8 * r.u3))::integer, st.ytg - 99)
                WHEN a.action = 'pass' AND a.pass_result = 'complete'
                    THEN greatest(least(floor(3 + 8 * r.u3 + 48 * power(r.u4, 6) + st.adv)::integer,
                                        st.ytg), st.ytg - 99)
                WHEN a.action = 'penalty'
                    THEN greatest(least(CASE WHEN r.u2 < 0.45 THEN -5 WHEN r.u2 < 0.6 THEN -10
                                             WHEN r.u2 < 0.92 THEN 5 ELSE 15 END,
                                        st.ytg - 1), st.ytg - 99)
                ELSE 0
            END AS gain,
            CASE a.action
                WHEN 'punt' THEN 36 + floor(14 * r.u3)::integer
                WHEN 'fg' THEN st.ytg + 17
                WHEN 'pass' THEN 4 + floor(24 * r.u3)::integer
            END AS detail
        OFFSET 0
    ) AS y
    -- the play's result
    CROSS JOIN LATERAL (
        SELECT
            f.*,
            CASE
                WHEN a.action = 'kickoff' AND r.u2 >= 0.996 THEN 'Kickoff Return Touchdown'
                WHEN a.action = 'kickoff' THEN 'Kickoff'
                WHEN a.action = 'pat' AND r.u2 < 0.95 THEN 'Extra Point Good'
                WHEN a.action = 'pat' THEN 'Extra Point Missed'
                WHEN a.action = 'fg' AND f.fg_good THEN 'Field Goal Good'
                WHEN a.action = 'fg' THEN 'Field Goal Missed'
                WHEN a.action = 'punt' THEN 'Punt'
                WHEN a.action = 'penalty' THEN 'Penalty'
                WHEN f.fumble_lost THEN 'Fumble Recovery (Opponent)'
                WHEN a.action = 'rush' AND f.td THEN 'Rushing Touchdown'
                WHEN a.action = 'rush' AND r.u6 < 0.022 THEN 'Fumble Recovery (Own)'
                WHEN a.action = 'rush' THEN 'Rush'
                WHEN a.pass_result = 'sack' THEN 'Sack'
                WHEN a.pass_result = 'interception' THEN 'Pass Interception Return'
                WHEN a.pass_result = 'incomplete' THEN 'Pass Incompletion'
                WHEN f.td THEN 'Passing Touchdown'
                ELSE 'Pass Reception'
            END AS play_type,
            a.action = 'pass' AND a.pass_result = 'incomplete' AND r.u6 < 0.2 AS broken_up,
            f.makes_line AND NOT f.td AND NOT f.fumble_lost
                AND a.action IN ('rush', 'pass', 'penalty') AS first_down,
            CASE WHEN a.action = 'kickoff' AND r.u2 >= 0.996 THEN 6
                 WHEN a.action = 'pat' AND r.u2 < 0.95 THEN 1
                 WHEN a.action = 'fg' AND f.fg_good THEN 3
                 WHEN f.td THEN 6
                 ELSE 0 END AS off_points,
            f.td OR (a.action = 'kickoff' AND r.u2 >= 0.996) AS scores_td,
            (a.action = 'fg' AND NOT f.fg_good) OR a.action = 'punt' OR f.fumble_lost
                OR (a.action = 'pass' AND a.pass_result = 'interception') OR f.on_downs AS change,
            CASE
                WHEN a.action = 'fg' THEN least(80, 93 - st.ytg)
                WHEN a.action = 'punt' AND st.ytg - y.detail <= 0 THEN 75
                WHEN a.action = 'punt'
                    THEN greatest(1, least(99, 100 - (st.ytg - y.detail) - floor(12 * power(r.u4, 2))::integer))
                WHEN a.action = 'pass' AND a.pass_result = 'interception' AND st.ytg - y.detail <= 0 THEN 75
                WHEN a.action = 'pass' AND a.pass_result = 'interception'
                    THEN greatest(1, least(99, 100 - (st.ytg - y.detail) - floor(20 * power(r.u4, 3))::integer))
                ELSE 100 - (st.ytg - y.gain)
            END AS their_ytg,
            CASE WHEN a.action = 'kickoff' THEN CASE WHEN r.u2 < 0.55 THEN 75 ELSE 60 + floor(26 * r.u3)::integer END
                 ELSE st.ytg - y.gain END AS a_ytg,
            CASE WHEN a.action = 'kickoff' OR f.makes_line THEN 1
                 WHEN a.action = 'penalty' THEN st.down
                 ELSE st.down + 1 END AS a_down,
            CASE WHEN a.action = 'kickoff' THEN 10
                 WHEN f.makes_line THEN least(10, st.ytg - y.gain)
                 ELSE st.distance - y.gain END AS a_distance,
            CASE WHEN a.action = 'pat' THEN 'TD'
                 WHEN a.action = 'fg' AND f.fg_good THEN 'FG'
                 WHEN a.action = 'fg' THEN 'MISSED FG'
                 WHEN a.action = 'punt' THEN 'PUNT'
                 WHEN f.fumble_lost THEN 'FUMBLE'
                 WHEN a.action = 'pass' AND a.pass_result = 'interception' THEN 'INT'
                 WHEN f.on_downs THEN 'DOWNS'
            END AS cause,
            CASE a.action WHEN 'kickoff' THEN 6 WHEN 'pat' THEN 0 WHEN 'fg' THEN 6
                          WHEN 'punt' THEN 10 WHEN 'penalty' THEN 5
                          ELSE CASE WHEN a.pass_result = 'incomplete' AND a.action = 'pass' THEN 7
                                    ELSE 17 + floor(18 * r.u5)::integer END
            END AS clock_used
        FROM (
            SELECT
                y.gain,
                y.detail,
                a.action = 'fg' AND r.u2 < least(0.98, greatest(0.15, 1.25 - 0.0135 * (st.ytg + 17))) AS fg_good,
                a.action IN ('rush', 'pass') AND y.gain >= st.ytg AND y.gain > 0
                    AND NOT (a.action = 'pass' AND a.pass_result <> 'complete') AS td,
                y.gain < st.ytg AND ((a.action = 'rush' AND r.u6 < 0.012)
                    OR (a.action = 'pass' AND a.pass_result = 'complete' AND r.u6 < 0.008)) AS fumble_lost,
                a.action IN ('rush', 'pass', 'penalty') AND y.gain >= st.distance AS makes_line,
                a.action IN ('rush', 'pass') AND st.down = 4 AND y.gain < st.distance
                    AND y.gain < st.ytg
                    AND NOT (a.action = 'pass' AND a.pass_result = 'interception')
                    AND NOT (y.gain < st.ytg AND ((a.action = 'rush' AND r.u6 < 0.012)
                        OR (a.action = 'pass' AND a.pass_result = 'complete' AND r.u6 < 0.008))) AS on_downs
            OFFSET 0
        ) AS f
        OFFSET 0
    ) AS o
    -- what comes next: the same drive, the try, a kickoff, the other team's ball; then
    -- the clock: quarters, half time, the end, overtime
    CROSS JOIN LATERAL (
        SELECT
            CASE WHEN b.final THEN b.nx_kind
                 WHEN b.expired AND st.period = 2 THEN 0
                 WHEN b.expired AND st.period >= 4 THEN 1
                 ELSE b.nx_kind END AS nx_kind,
            CASE WHEN b.final THEN b.nx_off_home
                 WHEN b.expired AND st.period = 2 THEN NOT st.recv_first_home
                 WHEN b.expired AND st.period >= 4 THEN st.period % 2 = 0
                 ELSE b.nx_off_home END AS nx_off_home,
            CASE WHEN b.expired AND NOT b.final THEN st.period + 1 ELSE st.period END AS nx_period,
            CASE WHEN b.expired AND NOT b.final THEN 900 ELSE greatest(st.clock - o.clock_used, 0) END AS nx_clock,
            CASE WHEN b.expired AND NOT b.final AND st.period <> 1 AND st.period <> 3
                 THEN st.drive_no + 1 ELSE b.nx_drive_no END AS nx_drive_no,
            CASE WHEN b.expired AND NOT b.final AND st.period >= 4 THEN 25 ELSE b.nx_ytg END AS nx_ytg,
            CASE WHEN b.expired AND NOT b.final AND st.period >= 4 THEN 1 ELSE b.nx_down END AS nx_down,
            CASE WHEN b.expired AND NOT b.final AND st.period >= 4 THEN 10 ELSE b.nx_distance END AS nx_distance,
            b.final
        FROM (
            SELECT
                n.*,
                n.expired AND st.period >= 4 AND (n.home_after <> n.away_after OR st.period >= 8)
                    OR (st.period >= 5 AND n.home_after <> n.away_after AND n.nx_kind <> 2)
                    OR st.n >= 400 OR st.drive_no >= 97 AS final
            FROM (
                SELECT
                    CASE WHEN o.scores_td THEN 2
                         WHEN a.action = 'pat' OR o.play_type = 'Field Goal Good' THEN 0
                         ELSE 1 END AS nx_kind,
                    CASE WHEN o.scores_td THEN st.off_home
                         ELSE st.off_home <> (a.action = 'pat' OR o.play_type = 'Field Goal Good' OR o.change)
                    END AS nx_off_home,
                    CASE WHEN o.scores_td OR NOT (a.action = 'pat' OR o.play_type = 'Field Goal Good' OR o.change)
                         THEN st.drive_no ELSE st.drive_no + 1 END AS nx_drive_no,
                    CASE WHEN o.scores_td OR a.action = 'pat' OR o.play_type = 'Field Goal Good' THEN NULL
                         WHEN o.change THEN o.their_ytg ELSE o.a_ytg END AS nx_ytg,
                    CASE WHEN o.scores_td OR a.action = 'pat' OR o.play_type = 'Field Goal Good' THEN NULL
                         WHEN o.change THEN 1 ELSE o.a_down END AS nx_down,
                    CASE WHEN o.scores_td OR a.action = 'pat' OR o.play_type = 'Field Goal Good' THEN NULL
                         WHEN o.change THEN least(10, o.their_ytg) ELSE o.a_distance END AS nx_distance,
                    st.clock - o.clock_used <= 0 AND NOT o.scores_td AS expired,
                    st.home_pts + CASE WHEN st.off_home THEN o.off_points ELSE 0 END AS home_after,
                    st.away_pts + CASE WHEN st.off_home THEN 0 ELSE o.off_points END AS away_after
                OFFSET 0
            ) AS n
            OFFSET 0
        ) AS b
        OFFSET 0
    ) AS x
    WHERE NOT s.final
)
SELECT
    game_id, n, drive_no, kind, off_home, period, clock, home_pts, away_pts, ytg, down,
    distance, action, play_type, gain, detail, broken_up, clock_used, home_gain, away_gain,
    ppa, first_down, drive_end, final
FROM sim
WHERE n > 0;

ANALYZE seed_sim;
