-- Games of every season of the scale. Each week, the teams that play are sorted by a
-- key that puts conference rivals side by side (divisions side by side in the first
-- weeks, so FBS meets FCS there) and paired off in that order; then bowls and FCS
-- playoff games between the strongest teams. Seasons before 2004 are sparse (FBS
-- programs only, a fraction of their games), as the history CFBD holds is. Scores follow the two teams'
-- strengths; games that get play-by-play have theirs replaced by the simulated ones.

-- Strength of every team in every season it plays, in points (a 14-point edge is about
-- two touchdowns): program quality, a slow cycle, and season-to-season noise.
CREATE TEMP TABLE seed_team_season AS
SELECT
    t.team_id,
    s.season,
    t.quality
        + 5 * sin((s.season + 40 * pg_temp.u(t.team_id, 131)) / 7.0)
        + 4 * pg_temp.z(t.team_id::bigint * 10000 + s.season, 137) AS strength
FROM seed_team AS t
CROSS JOIN seed_scale AS sc
CROSS JOIN LATERAL generate_series(sc.first_season, sc.last_season) AS s (season)
WHERE s.season >= t.first_season
  AND (t.classification = 'fbs'
       OR (t.active AND t.classification = 'fcs' AND s.season >= 1978)
       OR (t.active AND s.season >= 1990));
ALTER TABLE seed_team_season ADD PRIMARY KEY (team_id, season);
ANALYZE seed_team_season;

CREATE TEMP TABLE seed_game AS
WITH slots AS (
    -- one row per team and week it plays
    SELECT
        ts.season,
        w.week,
        ts.team_id,
        ts.strength,
        t.classification,
        t.conf_rank,
        CASE WHEN t.classification IN ('fbs', 'fcs') THEN 'fbs_fcs' ELSE t.classification END AS pool
    FROM seed_team_season AS ts
    JOIN seed_team AS t ON t.team_id = ts.team_id
    CROSS JOIN LATERAL generate_series(1, CASE
        WHEN ts.season < 1900 THEN 4
        WHEN ts.season < 1950 THEN 8
        WHEN ts.season < 2004 THEN 11
        WHEN t.classification = 'fbs' THEN 13
        WHEN t.classification = 'fcs' THEN 12
        WHEN t.classification = 'ii' THEN 11
        ELSE 10 END) AS w (week)
    WHERE (ts.season >= 2004 OR t.classification = 'fbs')
      AND pg_temp.u((ts.team_id::bigint * 10000 + ts.season) * 20 + w.week, 139) < CASE
        WHEN ts.season < 2004 THEN 0.02 + 0.3 * power((ts.season - 1869) / 135.0, 2.5)
        WHEN t.classification IN ('fbs', 'fcs') THEN 0.9
        WHEN t.classification = 'ii' THEN 0.1
        ELSE 0.05 END
),
keyed AS (
    SELECT sl.*,
           row_number() OVER (
               PARTITION BY sl.season, sl.week, sl.pool
               ORDER BY CASE
                   WHEN sl.season >= 2004 AND sl.week <= 3 AND sl.pool = 'fbs_fcs'
                       THEN (sl.classification = 'fcs')::integer
                            + 1.5 * pg_temp.u((sl.team_id::bigint * 10000 + sl.season) * 20 + sl.week, 149)
                   ELSE sl.conf_rank
                        + 1.4 * pg_temp.u((sl.team_id::bigint * 10000 + sl.season) * 20 + sl.week, 149)
               END,
               sl.team_id
           ) AS rn
    FROM slots AS sl
),
pairs AS (
    SELECT season, week, pool, (rn + 1) / 2 AS pair_no,
           array_agg(team_id ORDER BY rn) AS teams
    FROM keyed
    GROUP BY season, week, pool, (rn + 1) / 2
    HAVING count(*) = 2
),
regular AS (
    SELECT p.season, p.week, 'regular' AS season_type, p.pool, p.pair_no,
           CASE WHEN pg_temp.u((p.teams[1]::bigint * 10000 + p.season) * 20 + p.week, 151) < 0.5
                THEN p.teams[1] ELSE p.teams[2] END AS home_id,
           CASE WHEN pg_temp.u((p.teams[1]::bigint * 10000 + p.season) * 20 + p.week, 151) < 0.5
                THEN p.teams[2] ELSE p.teams[1] END AS away_id,
           false AS neutral_site
    FROM pairs AS p
),
-- Week 0: two programs that share a name meet (one such game a season): the games
-- that tell apart a name and a team.
namesakes AS (
    SELECT ts.season, 0 AS week, 'regular' AS season_type, 'namesake' AS pool, 1 AS pair_no,
           min(t.team_id) AS home_id, max(t.team_id) AS away_id, false AS neutral_site
    FROM seed_team AS t
    JOIN seed_team_season AS ts ON ts.team_id = t.team_id
    WHERE t.school = 'Albany' AND t.classification IN ('fcs', 'ii') AND ts.season >= 2004
    GROUP BY ts.season
    HAVING count(*) = 2
),
-- Postseason: bowls between the strongest FBS teams, FCS playoff games.
ranked AS (
    SELECT ts.season, ts.team_id, t.classification,
           row_number() OVER (PARTITION BY ts.season, t.classification
                              ORDER BY ts.strength DESC, ts.team_id) AS strength_rank
    FROM seed_team_season AS ts
    JOIN seed_team AS t ON t.team_id = ts.team_id
    WHERE (t.classification = 'fbs' AND ts.season >= 1902)
       OR (t.classification = 'fcs' AND ts.season >= 2004)
),
postseason AS (
    SELECT r.season, 1 AS week, 'postseason' AS season_type, r.classification AS pool,
           (r.strength_rank + 1) / 2 AS pair_no,
           min(r.team_id) AS home_id, max(r.team_id) AS away_id,
           r.classification = 'fbs' AS neutral_site
    FROM ranked AS r
    WHERE r.strength_rank <= CASE
        WHEN r.classification = 'fcs' THEN 16
        WHEN r.season < 1935 THEN 2
        WHEN r.season < 1970 THEN 16
        WHEN r.season < 2000 THEN 36
        ELSE 82 END
    GROUP BY r.season, r.classification, (r.strength_rank + 1) / 2
),
all_games AS (
    SELECT * FROM regular
    UNION ALL SELECT * FROM namesakes
    UNION ALL SELECT * FROM postseason
)
SELECT
    ((g.season - 1800) * 10000 + row_number() OVER (
        PARTITION BY g.season
        ORDER BY g.season_type DESC, g.week, g.pool, g.pair_no))::integer AS game_id,
    g.season,
    g.week,
    g.season_type,
    g.pool,
    row_number() OVER (PARTITION BY g.season, g.pool ORDER BY g.season_type DESC, g.week, g.pair_no)
        AS pool_game_no,
    g.home_id,
    g.away_id,
    g.neutral_site,
    hs.strength AS home_strength,
    aws.strength AS away_strength,
    hs.strength - aws.strength + CASE WHEN g.neutral_site THEN 0 ELSE 2.5 END AS home_edge
FROM all_games AS g
JOIN seed_team_season AS hs ON hs.team_id = g.home_id AND hs.season = g.season
JOIN seed_team_season AS aws ON aws.team_id = g.away_id AND aws.season = g.season;

ALTER TABLE seed_game ADD PRIMARY KEY (game_id);
ANALYZE seed_game;

INSERT INTO core.games (
    id, season, week, season_type, start_date, start_time_tbd, completed, neutral_site,
    conference_game, attendance, venue_id, venue,
    home_id, home_team, home_conference, home_classification, home_points,
    home_postgame_win_probability, home_pregame_elo, home_postgame_elo,
    away_id, away_team, away_conference, away_classification, away_points,
    away_postgame_win_probability, away_pregame_elo, away_postgame_elo,
    excitement_index, _dlt_load_id, _dlt_id, created_at, updated_at)
WITH dated AS (
    SELECT
        g.*,
        -- not completed: the last season's postseason, still to be played
        NOT (g.season = sc.last_season AND g.season_type = 'postseason') AS completed,
        -- the known defect: a handful of completed games whose scores never arrived
        g.season >= 2000 AND g.season % 3 = 0 AND g.pool = 'ii' AND g.pool_game_no = 1 AS lost_score,
        CASE WHEN g.season_type = 'postseason'
             THEN make_date(g.season, 12, 14) + pg_temp.whole(g.game_id, 157, 0, 24)
             ELSE make_date(g.season, 9, 1)
                  + (6 - extract(isodow FROM make_date(g.season, 9, 1))::integer + 7) % 7
                  + 7 * (g.week - 1)
        END AS game_day,
        CASE WHEN g.neutral_site
             THEN (SELECT v.venue_id FROM seed_venue AS v
                   WHERE v.team_id IS NULL
                   ORDER BY pg_temp.u(g.game_id::bigint * 1000 + v.venue_id, 163), v.venue_id
                   LIMIT 1)
             ELSE ht.venue_id END AS game_venue_id
    FROM seed_game AS g
    CROSS JOIN seed_scale AS sc
    JOIN seed_team AS ht ON ht.team_id = g.home_id
),
scored AS (
    SELECT
        d.*,
        7 * greatest(0, round(3.2 + d.home_edge / 14 + 1.4 * pg_temp.z(d.game_id, 167)))::integer
          + 3 * floor(2.6 * pg_temp.u(d.game_id, 173))::integer AS home_raw,
        7 * greatest(0, round(3.2 - d.home_edge / 14 + 1.4 * pg_temp.z(d.game_id, 179)))::integer
          + 3 * floor(2.6 * pg_temp.u(d.game_id, 181))::integer AS away_raw
    FROM dated AS d
),
final AS (
    SELECT
        s.*,
        -- no ties since overtime (1996): a field goal decides it
        s.home_raw + CASE WHEN s.season >= 1996 AND s.home_raw = s.away_raw
                               AND pg_temp.u(s.game_id, 191) < 0.5 + s.home_edge / 40
                          THEN 3 ELSE 0 END AS home_final,
        s.away_raw + CASE WHEN s.season >= 1996 AND s.home_raw = s.away_raw
                               AND pg_temp.u(s.game_id, 191) >= 0.5 + s.home_edge / 40
                          THEN 3 ELSE 0 END AS away_final,
        round(1500 + 18 * s.home_strength)::integer AS home_elo,
        round(1500 + 18 * s.away_strength)::integer AS away_elo
    FROM scored AS s
)
SELECT
    f.game_id,
    f.season,
    f.week,
    f.season_type,
    (f.game_day + CASE WHEN pg_temp.u(f.game_id, 193) < 0.4 THEN time '16:00'
                       WHEN pg_temp.u(f.game_id, 193) < 0.75 THEN time '19:30'
                       ELSE time '23:30' END) AT TIME ZONE 'UTC',
    f.season >= 2000 AND NOT f.completed AND pg_temp.u(f.game_id, 197) < 0.3,
    f.completed,
    f.neutral_site,
    ht.conference_id IS NOT NULL AND ht.conference_id = at.conference_id
        AND ht.tier NOT IN ('independent', 'defunct') AND f.season_type = 'regular',
    CASE WHEN f.completed AND f.season >= 1990
         THEN round(v.capacity * (0.55 + 0.45 * pg_temp.u(f.game_id, 199)))::integer END,
    f.game_venue_id,
    v.name,
    f.home_id, ht.school, ht.conference, ht.classification,
    CASE WHEN f.completed AND NOT f.lost_score THEN f.home_final END,
    CASE WHEN f.completed AND NOT f.lost_score
         THEN round((1 / (1 + exp(-(f.home_final - f.away_final) / 7.0)))::numeric, 4) END,
    CASE WHEN f.season >= 1950 THEN f.home_elo END,
    CASE WHEN f.season >= 1950 AND f.completed AND NOT f.lost_score
         THEN f.home_elo + round(25 * (sign(f.home_final - f.away_final)
                                      - (f.home_elo - f.away_elo) / 400.0))::integer END,
    f.away_id, at.school, at.conference, at.classification,
    CASE WHEN f.completed AND NOT f.lost_score THEN f.away_final END,
    CASE WHEN f.completed AND NOT f.lost_score
         THEN round((1 / (1 + exp((f.home_final - f.away_final) / 7.0)))::numeric, 4) END,
    CASE WHEN f.season >= 1950 THEN f.away_elo END,
    CASE WHEN f.season >= 1950 AND f.completed AND NOT f.lost_score
         THEN f.away_elo + round(25 * (sign(f.away_final - f.home_final)
                                      - (f.away_elo - f.home_elo) / 400.0))::integer END,
    CASE WHEN f.completed AND f.season >= 2004
         THEN round((1 + 8.5 * pg_temp.u(f.game_id, 211))::numeric, 2) END,
    pg_temp.load_id(f.season),
    pg_temp.dlt_id('games', f.game_id::text),
    -- load-time stamps, fixed so a seed is reproducible
    make_timestamptz(f.season + 1, 1, 15, 12, 0, 0, 'UTC'),
    make_timestamptz(f.season + 1, 1, 15, 12, 0, 0, 'UTC')
FROM final AS f
JOIN seed_team AS ht ON ht.team_id = f.home_id
JOIN seed_team AS at ON at.team_id = f.away_id
LEFT JOIN seed_venue AS v ON v.venue_id = f.game_venue_id
ORDER BY f.game_id;
