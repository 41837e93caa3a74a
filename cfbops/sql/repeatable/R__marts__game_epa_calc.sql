-- Per game and team: offensive EPA, success rate and explosiveness on scrimmage plays,
-- and the same figures for the team's defense (its opponent's offense in that game).
-- Keeps the raw sums so season marts can weight by plays. EPA is summed as numeric:
-- exact, so the result does not depend on the order rows reach the aggregate (a float
-- sum does, which made every rebuild differ in the last digits, rewrite unchanged rows
-- on a CONCURRENTLY refresh and cascade --stale needlessly).
DROP MATERIALIZED VIEW IF EXISTS marts._game_epa_calc CASCADE;

CREATE MATERIALIZED VIEW marts._game_epa_calc AS
WITH scrimmage AS (
    SELECT
        p.game_id,
        p.season,
        p.offense,
        p.defense,
        p.ppa::numeric AS ppa,
        marts.play_category(p.play_type) AS play_category,
        coalesce(marts.is_successful_play(p.down, p.distance, p.yards_gained), false) AS is_success
    FROM core.plays AS p
    WHERE p.ppa IS NOT NULL
      AND p.offense <> p.defense  -- two teams sharing a name: sides cannot be told apart
      AND p.down BETWEEN 1 AND 4
      AND marts.play_category(p.play_type) IN ('pass', 'rush', 'fumble')
),
offense AS (
    SELECT
        game_id,
        season,
        offense AS team,
        defense AS opponent,
        count(*)::integer AS plays,
        sum(ppa) AS total_epa,
        count(*) FILTER (WHERE is_success)::integer AS successful_plays,
        coalesce(sum(ppa) FILTER (WHERE is_success), 0) AS successful_epa,
        count(*) FILTER (WHERE play_category = 'pass')::integer AS pass_plays,
        coalesce(sum(ppa) FILTER (WHERE play_category = 'pass'), 0) AS pass_epa,
        count(*) FILTER (WHERE play_category = 'pass' AND is_success)::integer AS pass_successful_plays,
        count(*) FILTER (WHERE play_category = 'rush')::integer AS rush_plays,
        coalesce(sum(ppa) FILTER (WHERE play_category = 'rush'), 0) AS rush_epa,
        count(*) FILTER (WHERE play_category = 'rush' AND is_success)::integer AS rush_successful_plays
    FROM scrimmage
    GROUP BY game_id, season, offense, defense
)
SELECT
    o.game_id,
    o.team,
    o.season,
    o.opponent,
    o.plays,
    o.total_epa,
    o.successful_plays,
    o.successful_epa,
    o.total_epa / o.plays AS epa_per_play,
    o.successful_plays::numeric / o.plays AS success_rate,
    o.successful_epa / nullif(o.successful_plays, 0) AS explosiveness,
    o.pass_plays,
    o.pass_epa,
    o.pass_epa / nullif(o.pass_plays, 0) AS pass_epa_per_play,
    o.pass_successful_plays::numeric / nullif(o.pass_plays, 0) AS pass_success_rate,
    o.rush_plays,
    o.rush_epa,
    o.rush_epa / nullif(o.rush_plays, 0) AS rush_epa_per_play,
    o.rush_successful_plays::numeric / nullif(o.rush_plays, 0) AS rush_success_rate,
    d.plays AS def_plays,
    d.total_epa AS def_total_epa,
    d.successful_plays AS def_successful_plays,
    d.successful_epa AS def_successful_epa,
    d.total_epa / d.plays AS def_epa_per_play,
    d.successful_plays::numeric / d.plays AS def_success_rate,
    d.successful_epa / nullif(d.successful_plays, 0) AS def_explosiveness
FROM offense AS o
LEFT JOIN offense AS d
    ON d.game_id = o.game_id AND d.team = o.opponent AND d.opponent = o.team;

CREATE UNIQUE INDEX _game_epa_calc_game_id_team_key ON marts._game_epa_calc (game_id, team);

COMMENT ON MATERIALIZED VIEW marts._game_epa_calc IS
    'Per game and team (school name as in plays.offense): offensive and defensive EPA per play, success rate, explosiveness (mean EPA of successful plays), pass/rush splits; scrimmage plays with a ppa only.';
