-- Per team id and season (regular and postseason games). Upstream's columns first, with
-- its meaning: the mean over the season's games of each game's EPA per play, success
-- rate and explosiveness (marts._game_epa_calc, garbage time out), its tier, the plays
-- outside garbage time and the games. cfbops's own figures follow: offensive and
-- defensive EPA per play, success and explosiveness weighted by scrimmage plays (raw
-- sums, exact numerics), net EPA. Team ids come from the game, as school names repeat.
DROP MATERIALIZED VIEW IF EXISTS marts.team_epa_season CASCADE;

CREATE MATERIALIZED VIEW marts.team_epa_season AS
WITH game_rows AS (
    SELECT
        e.*,
        g.start_date,
        CASE e.team WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END AS team_id,
        CASE e.team WHEN g.home_team THEN g.home_conference WHEN g.away_team THEN g.away_conference END AS conference,
        CASE e.team WHEN g.home_team THEN g.home_classification WHEN g.away_team THEN g.away_classification END AS classification
    FROM marts._game_epa_calc AS e
    JOIN core.games AS g ON g.id = e.game_id
),
season_sums AS (
    SELECT
        team_id,
        season,
        (array_agg(team ORDER BY start_date DESC NULLS LAST, game_id DESC))[1] AS team,
        (array_agg(conference ORDER BY start_date DESC NULLS LAST, game_id DESC))[1] AS conference,
        (array_agg(classification ORDER BY start_date DESC NULLS LAST, game_id DESC))[1] AS classification,
        avg(epa_per_play) AS mean_game_epa,
        avg(success_rate) AS mean_game_success_rate,
        avg(explosiveness) AS mean_game_explosiveness,
        sum(plays_non_garbage)::bigint AS plays_non_garbage,
        count(*)::integer AS games,
        sum(plays)::integer AS off_plays,
        sum(total_epa) AS off_total_epa,
        sum(successful_plays)::integer AS off_successful_plays,
        sum(successful_epa) AS off_successful_epa,
        sum(pass_plays)::integer AS off_pass_plays,
        sum(pass_epa) AS off_pass_epa,
        sum(rush_plays)::integer AS off_rush_plays,
        sum(rush_epa) AS off_rush_epa,
        coalesce(sum(def_plays), 0)::integer AS def_plays,
        sum(def_total_epa) AS def_total_epa,
        coalesce(sum(def_successful_plays), 0)::integer AS def_successful_plays,
        sum(def_successful_epa) AS def_successful_epa
    FROM game_rows
    WHERE team_id IS NOT NULL
    GROUP BY team_id, season
)
SELECT
    s.team,
    s.season,
    round(s.mean_game_epa, 4) AS epa_per_play,
    round(s.mean_game_success_rate, 4) AS success_rate,
    round(s.mean_game_explosiveness, 4) AS explosiveness,
    -- upstream's benchmark tiers of EPA per play
    CASE
        WHEN s.mean_game_epa IS NULL THEN NULL
        WHEN s.mean_game_epa >= 0.16 THEN 'elite'
        WHEN s.mean_game_epa >= 0.05 THEN 'above_avg'
        WHEN s.mean_game_epa >= -0.05 THEN 'average'
        WHEN s.mean_game_epa >= -0.15 THEN 'below_avg'
        ELSE 'struggling'
    END AS epa_tier,
    s.plays_non_garbage AS total_plays,
    s.games AS games_played,
    -- cfbops's columns
    s.team_id,
    s.conference,
    s.classification,
    s.games,
    s.off_plays,
    s.off_total_epa,
    s.off_total_epa / nullif(s.off_plays, 0) AS off_epa_per_play,
    s.off_successful_plays::numeric / nullif(s.off_plays, 0) AS off_success_rate,
    s.off_successful_epa / nullif(s.off_successful_plays, 0) AS off_explosiveness,
    s.off_pass_epa / nullif(s.off_pass_plays, 0) AS off_pass_epa_per_play,
    s.off_rush_epa / nullif(s.off_rush_plays, 0) AS off_rush_epa_per_play,
    s.def_plays,
    s.def_total_epa,
    s.def_total_epa / nullif(s.def_plays, 0) AS def_epa_per_play,
    s.def_successful_plays::numeric / nullif(s.def_plays, 0) AS def_success_rate,
    s.def_successful_epa / nullif(s.def_successful_plays, 0) AS def_explosiveness,
    s.off_total_epa / nullif(s.off_plays, 0) - s.def_total_epa / nullif(s.def_plays, 0) AS net_epa_per_play
FROM season_sums AS s;

CREATE UNIQUE INDEX team_epa_season_team_id_season_key ON marts.team_epa_season (team_id, season);

COMMENT ON MATERIALIZED VIEW marts.team_epa_season IS
    'Per team id and season: upstream''s EPA per play, success rate and explosiveness (means of the games'', garbage time out), epa_tier (elite >= 0.16, above_avg >= 0.05, average >= -0.05, below_avg >= -0.15, else struggling), total_plays, games_played; then cfbops''s play-weighted offensive, defensive and net scrimmage EPA.';
COMMENT ON COLUMN marts.team_epa_season.total_plays IS
    'Plays outside garbage time over the season (upstream''s meaning).';
COMMENT ON COLUMN marts.team_epa_season.off_epa_per_play IS
    'cfbops: EPA per scrimmage play over the season, weighted by plays (garbage time included).';
