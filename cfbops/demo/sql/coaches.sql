-- Head coaches of FBS and FCS programs, one row per coach, program and season: a coach
-- keeps a job for a few seasons; the season's record comes from the games.
INSERT INTO ref.coaches (first_name, last_name, team, season, hire_date, games, wins, losses,
                         ties, preseason_rank, postseason_rank, srs, sp_overall, sp_offense,
                         sp_defense)
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
    pg_temp.first_name(s.team_id::bigint * 1000 + s.stint + 5000000000),
    pg_temp.last_name(s.team_id::bigint * 1000 + s.stint + 5000000000),
    s.school,
    s.season,
    make_timestamptz(min(s.season) OVER (PARTITION BY s.team_id, s.stint) - 1, 12, 5, 17, 0, 0, 'UTC'),
    r.games, r.wins, r.losses, r.ties,
    CASE WHEN s.strength_rank <= 25 THEN s.strength_rank::integer END,
    CASE WHEN s.strength_rank <= 25 THEN (26 - s.strength_rank)::integer END,
    round((s.strength * 0.8)::numeric, 1),
    round(s.strength::numeric, 1),
    round((30 + 0.6 * s.strength)::numeric, 1),
    round((25 - 0.4 * s.strength)::numeric, 1)
FROM stints AS s
JOIN records AS r ON r.team_id = s.team_id AND r.season = s.season
ORDER BY s.season, s.school;
