-- The picks game for one NFL season (seed_scale.last_season): the 32 teams' rosters, an
-- 18-week schedule in nflverse's game_id format (2025_01_KC_LV), users, one to three
-- picks per user and week (never the same player twice in a week: the unique key),
-- and graded results for the weeks played. About a quarter of the picks arrive without
-- a usable position and name players the roster does not list (practice-squad call-ups,
-- nicknames): the trigger cannot fill those, which is the known "Unknown" defect; a few
-- more arrive without one but are on the roster, and the trigger fills them in.
CREATE TEMP TABLE seed_nfl_team AS
SELECT t.team, t.n
FROM unnest(ARRAY['ARI', 'ATL', 'BAL', 'BUF', 'CAR', 'CHI', 'CIN', 'CLE', 'DAL', 'DEN', 'DET',
                  'GB', 'HOU', 'IND', 'JAX', 'KC', 'LA', 'LAC', 'LV', 'MIA', 'MIN', 'NE',
                  'NO', 'NYG', 'NYJ', 'PHI', 'PIT', 'SEA', 'SF', 'TB', 'TEN', 'WAS'])
    WITH ORDINALITY AS t (team, n);

-- 53 per team; slot 0..52 gives the position and the depth (QB1 is slot 0).
INSERT INTO nfl.rosters (season, team, player_name, first_name, last_name, position,
                         depth_chart_position, jersey_number, status, gsis_id, espn_id, sleeper_id)
SELECT
    sc.last_season,
    t.team,
    pg_temp.player_name(p.k),
    pg_temp.first_name(p.k),
    pg_temp.last_name(p.k) || pg_temp.name_suffix(p.k),
    p.position,
    p.position,
    pg_temp.whole(p.k, 901, 1, 99),
    CASE WHEN pg_temp.u(p.k, 903) < 0.06 THEN 'RES' ELSE 'ACT' END,
    '00-00' || lpad((30000 + t.n * 100 + p.slot)::text, 5, '0'),
    (4030000 + t.n * 100 + p.slot)::text,
    (8000 + t.n * 100 + p.slot)::text
FROM seed_nfl_team AS t
CROSS JOIN seed_scale AS sc
CROSS JOIN LATERAL (
    SELECT s.slot,
           7000000000000 + t.n * 100 + s.slot AS k,
           (ARRAY['QB', 'RB', 'WR', 'WR', 'TE', 'WR', 'RB', 'TE', 'QB', 'WR', 'WR', 'RB', 'QB',
                  'TE', 'RB', 'WR', 'T', 'T', 'G', 'G', 'C', 'T', 'G', 'C', 'G', 'DE', 'DE',
                  'DT', 'DT', 'DE', 'DT', 'DE', 'DT', 'LB', 'LB', 'LB', 'LB', 'LB', 'LB', 'LB',
                  'CB', 'CB', 'CB', 'CB', 'CB', 'CB', 'SS', 'FS', 'SS', 'FS', 'K', 'P', 'LS'])
               [s.slot + 1] AS position
    FROM generate_series(0, 52) AS s (slot)
) AS p
ORDER BY t.team, p.slot;

INSERT INTO nfl.weeks (season, week)
SELECT sc.last_season, w.week
FROM seed_scale AS sc
CROSS JOIN generate_series(1, 18) AS w (week)
ORDER BY w.week;

-- Schedule: each team has one bye in weeks 5-12 (four teams a week); the others are
-- paired off in a seeded order each week. Weeks up to seed_scale.nfl_final_week are
-- played, the one after is under way, the rest to come.
INSERT INTO nfl.games (id, season, week, game_type, game_date, home_team, away_team,
                       home_score, away_score, status)
WITH byes AS (
    SELECT t.team, 5 + (row_number() OVER (ORDER BY pg_temp.u(t.n, 911), t.team) - 1) / 4 AS bye_week
    FROM seed_nfl_team AS t
),
slots AS (
    SELECT sc.last_season AS season, w.week, b.team,
           row_number() OVER (PARTITION BY w.week
                              ORDER BY pg_temp.u((SELECT n FROM seed_nfl_team AS t WHERE t.team = b.team) * 100 + w.week, 913),
                                       b.team) AS rn
    FROM byes AS b
    CROSS JOIN seed_scale AS sc
    CROSS JOIN generate_series(1, 18) AS w (week)
    WHERE w.week <> b.bye_week
),
pairs AS (
    SELECT season, week, (rn + 1) / 2 AS pair_no,
           min(team) FILTER (WHERE rn % 2 = 1) AS first_team,
           min(team) FILTER (WHERE rn % 2 = 0) AS second_team
    FROM slots
    GROUP BY season, week, (rn + 1) / 2
),
games AS (
    SELECT p.season, p.week, p.pair_no,
           CASE WHEN pg_temp.u(p.week * 100 + p.pair_no, 917) < 0.5 THEN p.first_team ELSE p.second_team END AS away_team,
           CASE WHEN pg_temp.u(p.week * 100 + p.pair_no, 917) < 0.5 THEN p.second_team ELSE p.first_team END AS home_team,
           (SELECT nfl_final_week FROM seed_scale) AS final_week
    FROM pairs AS p
)
SELECT
    g.season || '_' || lpad(g.week::text, 2, '0') || '_' || g.away_team || '_' || g.home_team,
    g.season,
    g.week,
    'REG',
    make_date(g.season, 9, 7) + 7 * (g.week - 1)
        + CASE WHEN g.pair_no = 1 THEN -3 WHEN g.pair_no = 16 THEN 1 ELSE 0 END,
    g.home_team,
    g.away_team,
    CASE WHEN g.week <= g.final_week
         THEN 7 * pg_temp.whole(g.week * 100 + g.pair_no, 919, 0, 5)
              + 3 * pg_temp.whole(g.week * 100 + g.pair_no, 921, 0, 3) END,
    CASE WHEN g.week <= g.final_week
         THEN 7 * pg_temp.whole(g.week * 100 + g.pair_no, 923, 0, 5)
              + 3 * pg_temp.whole(g.week * 100 + g.pair_no, 929, 0, 3) END,
    CASE WHEN g.week <= g.final_week THEN 'final'
         WHEN g.week = g.final_week + 1 THEN 'in_progress'
         ELSE 'scheduled' END
FROM games AS g
ORDER BY g.week, g.pair_no;

-- The app keeps one user per name (as nfl.users does, users_name_key): a name drawn twice
-- gets a number, "Jalen Smith 2".
INSERT INTO nfl.users (id, name, email, is_admin, created_at)
SELECT u.n,
       u.name || CASE WHEN u.nth > 1 THEN ' ' || u.nth ELSE '' END,
       lower(regexp_replace(pg_temp.first_name(6000000000000 + u.n) || '.'
                            || pg_temp.last_name(6000000000000 + u.n), '[^A-Za-z.]', '', 'g'))
           || u.n || '@example.com',
       u.n = 1,
       timestamptz '2025-08-01 12:00 UTC' + make_interval(mins => 37 * u.n)
FROM (
    SELECT d.n, d.name, row_number() OVER (PARTITION BY lower(d.name) ORDER BY d.n) AS nth
    FROM (
        SELECT u.n,
               pg_temp.first_name(6000000000000 + u.n) || ' '
               || pg_temp.last_name(6000000000000 + u.n) AS name
        FROM seed_scale AS sc
        CROSS JOIN generate_series(1, sc.nfl_users) AS u (n)
    ) AS d
) AS u
ORDER BY u.n;
SELECT setval(pg_get_serial_sequence('nfl.users', 'id'), (SELECT max(id) FROM nfl.users));

-- Who can be picked in a game: each side's eight skill players (slots 0-7 of the
-- roster) and two players the roster does not know.
CREATE TEMP TABLE seed_nfl_pickable AS
SELECT g.id AS game_id, g.week, side.team, c.choice,
       CASE WHEN c.choice < 8 THEN pg_temp.player_name(7000000000000 + t.n * 100 + c.choice)
            ELSE pg_temp.first_name(7100000000000 + t.n * 100 + c.choice) || ' '
                 || pg_temp.last_name(7100000000000 + t.n * 100 + c.choice) END AS player_name,
       CASE WHEN c.choice < 8
            THEN (ARRAY['QB', 'RB', 'WR', 'WR', 'TE', 'WR', 'RB', 'TE'])[c.choice + 1] END AS position,
       (ARRAY[1600, 550, 700, 900, 1000, 1200, 1100, 2200, 3000, 3500])[c.choice + 1] AS base_odds
FROM nfl.games AS g
CROSS JOIN LATERAL (VALUES (g.home_team), (g.away_team)) AS side (team)
JOIN seed_nfl_team AS t ON t.team = side.team
CROSS JOIN generate_series(0, 9) AS c (choice);

-- Touchdown scorers of each game played: any of the eight skill players of either side
-- may score; the first scorer is one of them (or nobody pickable: a defensive score).
CREATE TEMP TABLE seed_nfl_scorer AS
SELECT p.game_id, p.team, p.player_name, p.choice,
       pg_temp.u(hashtext(p.game_id || p.team)::bigint * 10 + p.choice, 931) AS luck
FROM seed_nfl_pickable AS p
JOIN nfl.games AS g ON g.id = p.game_id
WHERE g.status = 'final'
  AND p.choice < 8
  AND pg_temp.u(hashtext(p.game_id || p.team)::bigint * 10 + p.choice, 931)
      < (ARRAY[0.1, 0.45, 0.4, 0.3, 0.25, 0.2, 0.2, 0.12])[p.choice + 1];

CREATE TEMP TABLE seed_nfl_first_scorer AS
SELECT DISTINCT ON (s.game_id) s.game_id, s.player_name, s.team
FROM seed_nfl_scorer AS s
WHERE pg_temp.u(hashtext(s.game_id), 937) >= 0.06
ORDER BY s.game_id, pg_temp.u(hashtext(s.game_id || s.player_name), 941), s.player_name;

-- Picks: one to three a week per user (some weeks skipped), in different games of the
-- week, for the weeks played and the one under way.
INSERT INTO nfl.picks (user_id, week_id, game_id, team, player_name, position, odds, created_at)
WITH wanted AS (
    SELECT u.id AS user_id, w.id AS week_id, w.week, k.n AS pick_no
    FROM nfl.users AS u
    JOIN nfl.weeks AS w ON w.week <= (SELECT nfl_final_week + 1 FROM seed_scale)
    CROSS JOIN LATERAL generate_series(1, pg_temp.whole(u.id * 100 + w.week, 943, 1, 3)) AS k (n)
    WHERE pg_temp.u(u.id * 100 + w.week, 947) >= 0.1
),
week_games AS (
    SELECT g.id AS game_id, g.week,
           row_number() OVER (PARTITION BY g.week ORDER BY g.id) - 1 AS game_no,
           count(*) OVER (PARTITION BY g.week) AS games
    FROM nfl.games AS g
),
chosen AS (
    SELECT
        wt.*,
        wg.game_id,
        pg_temp.u(wt.user_id * 1000 + wt.week * 10 + wt.pick_no, 953) < 0.5 AS home_side,
        -- a quarter of the picks name a player the roster does not know
        CASE WHEN pg_temp.u(wt.user_id * 1000 + wt.week * 10 + wt.pick_no, 959) < 0.24
             THEN 8 + pg_temp.whole(wt.user_id * 1000 + wt.week * 10 + wt.pick_no, 961, 0, 1)
             ELSE (ARRAY[1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 6, 0, 7])
                  [pg_temp.whole(wt.user_id * 1000 + wt.week * 10 + wt.pick_no, 961, 1, 14)]
        END AS choice
    FROM wanted AS wt
    JOIN week_games AS wg
        ON wg.week = wt.week
       AND wg.game_no = (pg_temp.whole(wt.user_id * 100 + wt.week, 967, 0, 15) + wt.pick_no * 5) % wg.games
)
SELECT DISTINCT ON (c.user_id, c.week_id, p.player_name)
    c.user_id,
    c.week_id,
    c.game_id,
    p.team,
    p.player_name,
    CASE WHEN p.position IS NULL
             THEN (ARRAY['Unknown', 'Unknown', NULL, ''])[pg_temp.whole(c.user_id * 1000 + c.week * 10 + c.pick_no, 971, 1, 4)]
         WHEN pg_temp.u(c.user_id * 1000 + c.week * 10 + c.pick_no, 973) < 0.06 THEN NULL
         ELSE p.position END,
    p.base_odds + 50 * pg_temp.whole(c.user_id * 1000 + c.week * 10 + c.pick_no, 977, -3, 6),
    timestamptz '2025-09-01 12:00 UTC' + make_interval(days => 7 * (c.week - 1),
                                                      mins => pg_temp.whole(c.user_id * 100 + c.week, 979, 0, 5000))
FROM chosen AS c
JOIN nfl.games AS g ON g.id = c.game_id
JOIN seed_nfl_pickable AS p
    ON p.game_id = c.game_id
   AND p.team = CASE WHEN c.home_side THEN g.home_team ELSE g.away_team END
   AND p.choice = c.choice
ORDER BY c.user_id, c.week_id, p.player_name, c.pick_no;

-- Results of the picks in games played (graded in one statement: the triggers keep the
-- counters and season totals).
INSERT INTO nfl.results (pick_id, actual_scorer, is_correct, any_time_td, actual_return, graded_at)
SELECT
    pk.id,
    fs.player_name,
    fs.player_name IS NOT NULL AND fs.player_name = pk.player_name AND fs.team = pk.team,
    EXISTS (SELECT FROM seed_nfl_scorer AS s
            WHERE s.game_id = pk.game_id AND s.team = pk.team AND s.player_name = pk.player_name),
    CASE WHEN fs.player_name = pk.player_name AND fs.team = pk.team
         THEN round(pk.odds / 100.0, 2) ELSE -1 END,
    g.game_date + time '23:59' AT TIME ZONE 'UTC'
FROM nfl.picks AS pk
JOIN nfl.games AS g ON g.id = pk.game_id
LEFT JOIN seed_nfl_first_scorer AS fs ON fs.game_id = pk.game_id
WHERE g.status = 'final'
ORDER BY pk.id;

-- Games played per team, for the players the results gave a row.
UPDATE nfl.player_stats AS ps
SET games_played = played.games
FROM (
    SELECT side.team, count(*)::integer AS games
    FROM nfl.games AS g
    CROSS JOIN LATERAL (VALUES (g.home_team), (g.away_team)) AS side (team)
    WHERE g.status = 'final'
    GROUP BY side.team
) AS played
WHERE played.team = ps.team;
