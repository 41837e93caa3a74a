-- Head coaches of FBS and FCS programs: a coach keeps a job for a few seasons; the
-- season's record comes from the games. As dlt writes CFBD /coaches: one row per coach
-- name (no id; two coaches of one name are one row, as upstream's merge key makes
-- them) and a child row per season (ref.coaches__seasons).
CREATE TEMP TABLE seed_coach_season AS
WITH records AS (
    SELECT side.team_id, g.season,
           count(*)::integer AS games,
           count(*) FILTER (WHERE side.points_for > side.points_against)::integer AS wins,
           count(*) FILTER (WHERE side.points_for < side.points_against)::integer AS losses,
           count(*) FILTER (WHERE side.points_for = side.points_against)::integer AS ties
    FROM core.games AS g
    CROSS JOIN LATERAL (VALUES (g.home_id, g.home_points, g.away_points),
                               (g.away_id, g.away_points, g.home_points))
        AS side (team_id, points_for, points_against)
    WHERE g.completed AND g.home_points IS NOT NULL AND g.away_points IS NOT NULL
    GROUP BY side.team_id, g.season
),
stints AS (
    SELECT ts.team_id, ts.season, ts.strength, t.school,
           (ts.season + pg_temp.whole(t.team_id, 861, 0, 40))
               / (3 + pg_temp.whole(t.team_id, 863, 0, 6)) AS stint,
           rank() OVER (PARTITION BY ts.season, t.classification ORDER BY ts.strength DESC) AS strength_rank
    FROM seed_team_season AS ts
    JOIN seed_team AS t ON t.team_id = ts.team_id
    WHERE t.classification IN ('fbs', 'fcs') AND t.active
)
SELECT
    pg_temp.first_name(s.team_id::bigint * 1000 + s.stint + 5000000000) AS first_name,
    pg_temp.last_name(s.team_id::bigint * 1000 + s.stint + 5000000000) AS last_name,
    s.school,
    s.season,
    make_timestamptz(min(s.season) OVER (PARTITION BY s.team_id, s.stint) - 1, 12, 5, 17, 0, 0, 'UTC')
        AS hire_date,
    r.games, r.wins, r.losses, r.ties,
    CASE WHEN s.strength_rank <= 25 THEN s.strength_rank::integer END AS preseason_rank,
    CASE WHEN s.strength_rank <= 25 THEN (26 - s.strength_rank)::integer END AS postseason_rank,
    round((s.strength * 0.8)::numeric, 1)::double precision AS srs,
    round(s.strength::numeric, 1)::double precision AS sp_overall,
    round((30 + 0.6 * s.strength)::numeric, 1)::double precision AS sp_offense,
    round((25 - 0.4 * s.strength)::numeric, 1)::double precision AS sp_defense
FROM stints AS s
JOIN records AS r ON r.team_id = s.team_id AND r.season = s.season;

INSERT INTO ref.coaches (first_name, last_name, _dlt_load_id, _dlt_id, hire_date)
SELECT c.first_name, c.last_name, pg_temp.load_id(2025),
       pg_temp.dlt_id('coaches', c.first_name || ' ' || c.last_name), max(c.hire_date)
FROM seed_coach_season AS c
GROUP BY c.first_name, c.last_name
ORDER BY c.last_name, c.first_name;

INSERT INTO ref.coaches__seasons (
    school, year, games, wins, losses, ties, preseason_rank, postseason_rank, srs,
    _dlt_parent_id, _dlt_list_idx, _dlt_id, sp_overall, sp_offense, sp_defense)
SELECT c.school, c.season, c.games, c.wins, c.losses, c.ties, c.preseason_rank,
       c.postseason_rank, c.srs, co._dlt_id,
       row_number() OVER (PARTITION BY co._dlt_id ORDER BY c.season, c.school) - 1,
       pg_temp.dlt_id('coaches__seasons', c.first_name || ' ' || c.last_name || '/' || c.school || '/' || c.season),
       c.sp_overall, c.sp_offense, c.sp_defense
FROM seed_coach_season AS c
JOIN ref.coaches AS co ON co.first_name = c.first_name AND co.last_name = c.last_name
ORDER BY c.season, c.school;

DROP TABLE seed_coach_season;
