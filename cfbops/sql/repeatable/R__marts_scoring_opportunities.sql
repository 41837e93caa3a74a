-- Per game and offense: drives, scoring opportunities (drives that reached the
-- opponent's 40 or scored) and points per opportunity. Points come from the score
-- change over the drive (including the try), or 7/3 by result when scores are missing.
DROP MATERIALIZED VIEW IF EXISTS marts.scoring_opportunities CASCADE;

CREATE MATERIALIZED VIEW marts.scoring_opportunities AS
WITH drive_points AS (
    SELECT
        d.game_id,
        d.offense,
        d.defense,
        d.drive_result,
        coalesce(d.scoring, false) AS scoring,
        least(d.start_yards_to_goal, d.end_yards_to_goal) AS closest_yards_to_goal,
        greatest(coalesce(
            d.end_offense_score - d.start_offense_score,
            CASE d.drive_result WHEN 'TD' THEN 7 WHEN 'FG' THEN 3 ELSE 0 END
        ), 0) AS points
    FROM core.drives AS d
    WHERE d.offense <> d.defense  -- two teams sharing a name: sides cannot be told apart
),
flagged AS (
    SELECT dp.*,
           dp.closest_yards_to_goal <= 40 OR dp.drive_result IN ('TD', 'FG') AS is_opportunity
    FROM drive_points AS dp
)
SELECT
    game_id,
    offense,
    min(defense) AS defense,
    count(*)::integer AS drives,
    count(*) FILTER (WHERE scoring)::integer AS scoring_drives,
    count(*) FILTER (WHERE is_opportunity)::integer AS opportunities,
    coalesce(sum(points) FILTER (WHERE is_opportunity), 0)::integer AS opportunity_points,
    sum(points) FILTER (WHERE is_opportunity)::numeric
        / nullif(count(*) FILTER (WHERE is_opportunity), 0) AS points_per_opportunity,
    count(*) FILTER (WHERE drive_result = 'TD')::integer AS touchdowns,
    count(*) FILTER (WHERE drive_result = 'FG')::integer AS field_goals,
    count(*) FILTER (WHERE closest_yards_to_goal <= 20)::integer AS red_zone_trips,
    count(*) FILTER (WHERE closest_yards_to_goal <= 20 AND drive_result = 'TD')::integer AS red_zone_touchdowns
FROM flagged
GROUP BY game_id, offense;

CREATE UNIQUE INDEX scoring_opportunities_game_id_offense_key ON marts.scoring_opportunities (game_id, offense);

COMMENT ON MATERIALIZED VIEW marts.scoring_opportunities IS
    'Per game and offense (school name): drives, scoring drives, opportunities (reached the opponent 40 or scored), points per opportunity, touchdowns, field goals, red-zone trips and touchdowns.';
