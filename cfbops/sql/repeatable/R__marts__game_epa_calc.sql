-- Per game and offense. Upstream's columns first, with its meaning: every play with a
-- ppa, garbage time (marts.is_garbage_time) left out of the rates, success = a positive
-- ppa, explosiveness = mean ppa of the successful plays, each rounded to 4 places.
-- cfbops's own figures follow, on scrimmage plays only (standard success by down and
-- distance, marts.is_successful_play): the raw sums the season marts weight by plays,
-- pass/rush splits, and the same figures for the team's defense (its opponent's offense).
-- EPA is summed as numeric: exact, so the result does not depend on the order rows reach
-- the aggregate (a float sum does, which rewrote unchanged rows on every CONCURRENTLY
-- refresh and cascaded --stale needlessly). Plays whose two sides carry the same name
-- (two teams sharing a school name) are left out: nothing tells the sides apart.
DROP MATERIALIZED VIEW IF EXISTS marts._game_epa_calc CASCADE;

CREATE MATERIALIZED VIEW marts._game_epa_calc AS
WITH plays AS (
    SELECT
        p.game_id,
        p.season,
        p.offense,
        p.defense,
        p.ppa::numeric AS ppa,
        NOT marts.is_garbage_time(p.period, p.score_diff) AS is_competitive,
        p.down BETWEEN 1 AND 4
            AND marts.play_category(p.play_type) IN ('pass', 'rush', 'fumble') AS is_scrimmage,
        marts.play_category(p.play_type) AS play_kind,
        coalesce(marts.is_successful_play(p.down, p.distance, p.yards_gained), false) AS is_success
    FROM core.plays AS p
    WHERE p.ppa IS NOT NULL
      AND p.offense <> p.defense
    -- OFFSET 0 keeps this subquery whole: each play's flags are computed once here, not
    -- again in every aggregate FILTER that reads them (the planner would copy the
    -- expressions into each): 2.3 s → 1.1 s at the medium seed, same rows.
    OFFSET 0
),
offense AS (
    SELECT
        game_id,
        offense AS team,
        min(season) AS season,
        min(defense) AS opponent,
        round(avg(ppa) FILTER (WHERE is_competitive), 4) AS epa_per_play,
        round(avg((ppa > 0)::integer) FILTER (WHERE is_competitive), 4) AS success_rate,
        round(avg(ppa) FILTER (WHERE is_competitive AND ppa > 0), 4) AS explosiveness,
        count(*) FILTER (WHERE is_competitive) AS plays_non_garbage,
        count(*) AS plays_total,
        count(*) FILTER (WHERE is_scrimmage)::integer AS plays,
        coalesce(sum(ppa) FILTER (WHERE is_scrimmage), 0) AS total_epa,
        count(*) FILTER (WHERE is_scrimmage AND is_success)::integer AS successful_plays,
        coalesce(sum(ppa) FILTER (WHERE is_scrimmage AND is_success), 0) AS successful_epa,
        count(*) FILTER (WHERE is_scrimmage AND play_kind = 'pass')::integer AS pass_plays,
        coalesce(sum(ppa) FILTER (WHERE is_scrimmage AND play_kind = 'pass'), 0) AS pass_epa,
        count(*) FILTER (WHERE is_scrimmage AND play_kind = 'pass' AND is_success)::integer AS pass_successful_plays,
        count(*) FILTER (WHERE is_scrimmage AND play_kind = 'rush')::integer AS rush_plays,
        coalesce(sum(ppa) FILTER (WHERE is_scrimmage AND play_kind = 'rush'), 0) AS rush_epa,
        count(*) FILTER (WHERE is_scrimmage AND play_kind = 'rush' AND is_success)::integer AS rush_successful_plays
    FROM plays
    GROUP BY game_id, offense
)
SELECT
    o.game_id,
    o.team,
    o.epa_per_play,
    o.success_rate,
    o.explosiveness,
    o.plays_non_garbage,
    o.plays_total,
    -- cfbops's columns: scrimmage plays, standard success
    o.season,
    o.opponent,
    o.plays,
    o.total_epa,
    o.successful_plays,
    o.successful_epa,
    o.total_epa / nullif(o.plays, 0) AS off_epa_per_play,
    o.successful_plays::numeric / nullif(o.plays, 0) AS off_success_rate,
    o.successful_epa / nullif(o.successful_plays, 0) AS off_explosiveness,
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
    d.total_epa / nullif(d.plays, 0) AS def_epa_per_play,
    d.successful_plays::numeric / nullif(d.plays, 0) AS def_success_rate,
    d.successful_epa / nullif(d.successful_plays, 0) AS def_explosiveness
FROM offense AS o
LEFT JOIN offense AS d
    ON d.game_id = o.game_id AND d.team = o.opponent AND d.opponent = o.team;

CREATE UNIQUE INDEX _game_epa_calc_game_id_team_key ON marts._game_epa_calc (game_id, team);

COMMENT ON MATERIALIZED VIEW marts._game_epa_calc IS
    'Per game and offense (school name): upstream''s EPA per play, success rate (ppa > 0) and explosiveness without garbage time, play counts; then cfbops''s scrimmage figures (standard success), pass/rush splits and the defense''s (def_*).';
COMMENT ON COLUMN marts._game_epa_calc.epa_per_play IS
    'Mean ppa of the team''s plays outside garbage time, 4 places (upstream''s meaning).';
COMMENT ON COLUMN marts._game_epa_calc.success_rate IS
    'Share of plays outside garbage time with a positive ppa, 4 places (upstream''s meaning).';
COMMENT ON COLUMN marts._game_epa_calc.explosiveness IS
    'Mean ppa of the plays outside garbage time with a positive ppa, 4 places (upstream''s meaning).';
COMMENT ON COLUMN marts._game_epa_calc.off_success_rate IS
    'cfbops: share of scrimmage plays successful by down and distance (marts.is_successful_play).';
