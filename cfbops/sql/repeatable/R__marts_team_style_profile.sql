-- Per team id and season: how the team plays on offense (pass rate by down type,
-- pass/rush EPA and success, explosive-play rate) and what its defense allows.
-- Explosive play: a run of 10+ yards or a pass of 20+ yards.
DROP MATERIALIZED VIEW IF EXISTS marts.team_style_profile CASCADE;

CREATE MATERIALIZED VIEW marts.team_style_profile AS
WITH plays AS (
    SELECT
        pe.*,
        coalesce(pe.is_success, false) AS succeeded,
        (pe.play_category = 'rush' AND pe.yards_gained >= 10)
            OR (pe.play_category = 'pass' AND pe.yards_gained >= 20) AS is_explosive
    FROM marts.play_epa AS pe
    WHERE pe.is_scrimmage
),
offense AS (
    SELECT
        offense_id AS team_id,
        season,
        min(offense) AS team,
        count(*)::integer AS plays,
        avg((play_category = 'pass')::integer) AS pass_rate,
        avg((play_category = 'pass')::integer) FILTER (WHERE NOT is_passing_down) AS standard_downs_pass_rate,
        avg((play_category = 'pass')::integer) FILTER (WHERE is_passing_down) AS passing_downs_pass_rate,
        avg(epa) FILTER (WHERE play_category = 'pass') AS pass_epa_per_play,
        avg(epa) FILTER (WHERE play_category = 'rush') AS rush_epa_per_play,
        avg(succeeded::integer) FILTER (WHERE play_category = 'pass') AS pass_success_rate,
        avg(succeeded::integer) FILTER (WHERE play_category = 'rush') AS rush_success_rate,
        avg(is_explosive::integer) AS explosive_play_rate,
        avg(yards_gained) AS yards_per_play
    FROM plays
    WHERE offense_id IS NOT NULL
    GROUP BY offense_id, season
),
defense AS (
    SELECT
        defense_id AS team_id,
        season,
        min(defense) AS team,
        count(*)::integer AS plays,
        avg(epa) FILTER (WHERE play_category = 'pass') AS pass_epa_per_play,
        avg(epa) FILTER (WHERE play_category = 'rush') AS rush_epa_per_play,
        avg(succeeded::integer) FILTER (WHERE play_category = 'pass') AS pass_success_rate,
        avg(succeeded::integer) FILTER (WHERE play_category = 'rush') AS rush_success_rate,
        avg(is_explosive::integer) AS explosive_play_rate
    FROM plays
    WHERE defense_id IS NOT NULL
    GROUP BY defense_id, season
)
SELECT
    coalesce(o.team_id, d.team_id) AS team_id,
    coalesce(o.season, d.season) AS season,
    coalesce(o.team, d.team) AS team,
    coalesce(o.plays, 0) AS off_plays,
    o.pass_rate,
    o.standard_downs_pass_rate,
    o.passing_downs_pass_rate,
    o.pass_epa_per_play,
    o.rush_epa_per_play,
    o.pass_success_rate,
    o.rush_success_rate,
    o.explosive_play_rate,
    o.yards_per_play,
    coalesce(d.plays, 0) AS def_plays,
    d.pass_epa_per_play AS def_pass_epa_per_play,
    d.rush_epa_per_play AS def_rush_epa_per_play,
    d.pass_success_rate AS def_pass_success_rate,
    d.rush_success_rate AS def_rush_success_rate,
    d.explosive_play_rate AS def_explosive_play_rate
FROM offense AS o
FULL JOIN defense AS d ON d.team_id = o.team_id AND d.season = o.season;

CREATE UNIQUE INDEX team_style_profile_team_id_season_key ON marts.team_style_profile (team_id, season);

COMMENT ON MATERIALIZED VIEW marts.team_style_profile IS
    'Per team id and season: offensive pass rate (overall, standard and passing downs), pass/rush EPA and success rate, explosive-play rate (runs 10+, passes 20+), yards per play; the same as allowed by the defense (def_*).';
