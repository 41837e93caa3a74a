-- Per offense (team id) and season, from the drives. Upstream's columns first, with its
-- meaning: drives, scoring / touchdown / turnover / punt drives and their rates, points
-- per drive (7 a touchdown, 3 a field goal), average plays, yards and minutes per drive,
-- drives started inside the opponent's 20 and how they ended. cfbops's own columns
-- follow: scoring opportunities (drives that reached the opponent's 40 or scored) and
-- the points scored on them, from the score change over the drive (the try included),
-- or 7/3 by result when the scores are missing, and red-zone trips (drives that reached
-- the opponent's 20). The team id comes from the game, as school names repeat.
DROP MATERIALIZED VIEW IF EXISTS marts.scoring_opportunities CASCADE;

CREATE MATERIALIZED VIEW marts.scoring_opportunities AS
WITH drives AS (
    SELECT
        d.season,
        d.game_id,
        d.offense,
        CASE d.offense WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END AS team_id,
        d.plays,
        d.yards,
        d.elapsed__minutes,
        d.start_yards_to_goal,
        d.drive_result IN ('TD', 'Touchdown') AS is_td,
        d.drive_result IN ('FG', 'Field Goal') AS is_fg,
        d.drive_result IN ('INT', 'FUMBLE', 'Interception', 'Fumble', 'Fumble Lost',
                           'Interception Return') AS is_turnover,
        d.drive_result IN ('PUNT', 'Punt') AS is_punt,
        least(d.start_yards_to_goal, d.end_yards_to_goal) AS closest_yards_to_goal,
        greatest(coalesce(
            d.end_offense_score - d.start_offense_score,
            CASE WHEN d.drive_result IN ('TD', 'Touchdown') THEN 7
                 WHEN d.drive_result IN ('FG', 'Field Goal') THEN 3 ELSE 0 END
        ), 0) AS points
    FROM core.drives AS d
    JOIN core.games AS g ON g.id = d.game_id
    WHERE d.offense IS NOT NULL
      AND d.offense IS DISTINCT FROM d.defense  -- two teams sharing a name: sides cannot be told apart
),
flagged AS (
    SELECT dr.*,
           dr.closest_yards_to_goal <= 40 OR dr.is_td OR dr.is_fg AS is_opportunity,
           dr.start_yards_to_goal <= 20 AS started_in_red_zone
    FROM drives AS dr
    WHERE dr.team_id IS NOT NULL
),
season_drives AS (
    SELECT
        team_id,
        season,
        min(offense)::varchar AS team,
        count(*) AS total_drives,
        count(*) FILTER (WHERE is_td OR is_fg) AS scoring_drives,
        count(*) FILTER (WHERE is_td) AS td_drives,
        count(*) FILTER (WHERE is_fg) AS fg_drives,
        count(*) FILTER (WHERE is_turnover) AS turnover_drives,
        count(*) FILTER (WHERE is_punt) AS punt_drives,
        avg(plays) AS avg_plays,
        avg(yards) AS avg_yards,
        avg(elapsed__minutes) AS avg_minutes,
        count(*) FILTER (WHERE started_in_red_zone) AS red_zone_drives,
        count(*) FILTER (WHERE started_in_red_zone AND (is_td OR is_fg)) AS red_zone_scores,
        count(*) FILTER (WHERE started_in_red_zone AND is_td) AS red_zone_tds,
        count(DISTINCT game_id)::integer AS games,
        count(*) FILTER (WHERE is_opportunity)::integer AS opportunities,
        coalesce(sum(points) FILTER (WHERE is_opportunity), 0)::integer AS opportunity_points,
        count(*) FILTER (WHERE closest_yards_to_goal <= 20)::integer AS red_zone_trips,
        count(*) FILTER (WHERE closest_yards_to_goal <= 20 AND is_td)::integer AS red_zone_touchdowns
    FROM flagged
    GROUP BY team_id, season
)
SELECT
    s.team,
    s.season,
    s.total_drives,
    s.scoring_drives,
    round(s.scoring_drives::numeric / nullif(s.total_drives, 0), 4) AS scoring_rate,
    s.td_drives,
    round(s.td_drives::numeric / nullif(s.total_drives, 0), 4) AS td_rate,
    round((s.td_drives * 7.0 + s.fg_drives * 3.0) / nullif(s.total_drives, 0), 3) AS points_per_drive,
    s.turnover_drives,
    round(s.turnover_drives::numeric / nullif(s.total_drives, 0), 4) AS turnover_rate,
    s.punt_drives,
    round(s.punt_drives::numeric / nullif(s.total_drives, 0), 4) AS punt_rate,
    round(s.avg_plays, 1) AS avg_plays_per_drive,
    round(s.avg_yards, 1) AS avg_yards_per_drive,
    round(s.avg_minutes, 2) AS avg_time_per_drive,
    s.red_zone_drives,
    s.red_zone_scores,
    round(s.red_zone_scores::numeric / nullif(s.red_zone_drives, 0), 4) AS red_zone_scoring_rate,
    round(s.red_zone_tds::numeric / nullif(s.red_zone_drives, 0), 4) AS red_zone_td_rate,
    -- cfbops's columns
    s.team_id,
    s.games,
    s.fg_drives::integer AS field_goals,
    s.opportunities,
    s.opportunity_points,
    s.opportunity_points::numeric / nullif(s.opportunities, 0) AS points_per_opportunity,
    s.red_zone_trips,
    s.red_zone_touchdowns
FROM season_drives AS s;

CREATE UNIQUE INDEX scoring_opportunities_team_id_season_key ON marts.scoring_opportunities (team_id, season);

COMMENT ON MATERIALIZED VIEW marts.scoring_opportunities IS
    'Per offense (team id) and season: upstream''s drive outcomes and rates, points per drive (TD 7, FG 3), average plays/yards/minutes per drive, red-zone drives (started inside the 20) and their scoring; then cfbops''s opportunities (reached the opponent 40 or scored), points per opportunity and red-zone trips (reached the 20).';
COMMENT ON COLUMN marts.scoring_opportunities.avg_time_per_drive IS
    'Mean of the drives'' elapsed whole minutes (upstream reads elapsed__minutes only), 2 places.';
