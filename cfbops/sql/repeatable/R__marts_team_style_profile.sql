-- Per team id and season. Upstream's columns first, with its meaning (plays outside
-- garbage time, upstream's rush/pass category, success = a positive EPA): run and pass
-- rates, EPA and success by category, plays per game and tempo, what the defense allows,
-- and the identity labels. cfbops's own figures follow, on all scrimmage plays: pass
-- rate by down type, pass/rush EPA and success by down and distance, explosive-play rate
-- (runs of 10+ yards, passes of 20+) and yards per play, and the same as allowed (def_*).
DROP MATERIALIZED VIEW IF EXISTS marts.team_style_profile CASCADE;

CREATE MATERIALIZED VIEW marts.team_style_profile AS
-- NOT MATERIALIZED: read three times, the plays are cheaper scanned again than stored (the
-- stored copy spilled to disk at medium).
WITH plays AS NOT MATERIALIZED (
    SELECT
        pe.season,
        pe.game_id,
        pe.offense,
        pe.offense_id,
        pe.defense,
        pe.defense_id,
        pe.epa,
        pe.success,
        pe.play_category,
        NOT pe.is_garbage_time AS is_competitive,
        pe.is_scrimmage,
        pe.play_kind,
        coalesce(pe.is_success, false) AS succeeded,
        pe.is_passing_down,
        pe.yards_gained,
        (pe.play_kind = 'rush' AND pe.yards_gained >= 10)
            OR (pe.play_kind = 'pass' AND pe.yards_gained >= 20) AS is_explosive
    FROM marts.play_epa AS pe
),
offense AS (
    SELECT
        offense_id AS team_id,
        season,
        min(offense)::varchar AS team,
        count(*) FILTER (WHERE is_competitive) AS total_plays,
        count(*) FILTER (WHERE is_competitive AND play_category = 'rush') AS rush_plays,
        count(*) FILTER (WHERE is_competitive AND play_category = 'pass') AS pass_plays,
        avg(epa) FILTER (WHERE is_competitive AND play_category = 'rush') AS rush_epa,
        avg(epa) FILTER (WHERE is_competitive AND play_category = 'pass') AS pass_epa,
        avg(success) FILTER (WHERE is_competitive AND play_category = 'rush') AS rush_success,
        avg(success) FILTER (WHERE is_competitive AND play_category = 'pass') AS pass_success,
        -- cfbops's: scrimmage plays, garbage time included
        count(*) FILTER (WHERE is_scrimmage)::integer AS off_plays,
        avg((play_kind = 'pass')::integer) FILTER (WHERE is_scrimmage) AS off_pass_rate,
        avg((play_kind = 'pass')::integer) FILTER (WHERE is_scrimmage AND NOT is_passing_down) AS standard_downs_pass_rate,
        avg((play_kind = 'pass')::integer) FILTER (WHERE is_scrimmage AND is_passing_down) AS passing_downs_pass_rate,
        avg(epa) FILTER (WHERE is_scrimmage AND play_kind = 'pass') AS pass_epa_per_play,
        avg(epa) FILTER (WHERE is_scrimmage AND play_kind = 'rush') AS rush_epa_per_play,
        avg(succeeded::integer) FILTER (WHERE is_scrimmage AND play_kind = 'pass') AS off_pass_success_rate,
        avg(succeeded::integer) FILTER (WHERE is_scrimmage AND play_kind = 'rush') AS off_rush_success_rate,
        avg(is_explosive::integer) FILTER (WHERE is_scrimmage) AS explosive_play_rate,
        avg(yards_gained) FILTER (WHERE is_scrimmage) AS yards_per_play
    FROM plays
    WHERE offense_id IS NOT NULL
    GROUP BY offense_id, season
),
-- Games with a play outside garbage time, counted apart: a count(DISTINCT) among the
-- aggregates above would sort every play.
offense_games AS (
    SELECT team_id, season, count(*) AS games
    FROM (
        SELECT DISTINCT offense_id AS team_id, season, game_id
        FROM plays
        WHERE offense_id IS NOT NULL AND is_competitive
    ) AS g
    GROUP BY team_id, season
),
defense AS (
    SELECT
        defense_id AS team_id,
        season,
        avg(epa) FILTER (WHERE is_competitive AND play_category = 'rush')::numeric(6,4) AS def_epa_vs_run,
        avg(epa) FILTER (WHERE is_competitive AND play_category = 'pass')::numeric(6,4) AS def_epa_vs_pass,
        avg(epa) FILTER (WHERE is_competitive)::numeric(6,4) AS def_epa_allowed,
        count(*) FILTER (WHERE is_scrimmage)::integer AS def_plays,
        avg(epa) FILTER (WHERE is_scrimmage AND play_kind = 'pass') AS def_pass_epa_per_play,
        avg(epa) FILTER (WHERE is_scrimmage AND play_kind = 'rush') AS def_rush_epa_per_play,
        avg(succeeded::integer) FILTER (WHERE is_scrimmage AND play_kind = 'pass') AS def_pass_success_rate,
        avg(succeeded::integer) FILTER (WHERE is_scrimmage AND play_kind = 'rush') AS def_rush_success_rate,
        avg(is_explosive::integer) FILTER (WHERE is_scrimmage) AS def_explosive_play_rate
    FROM plays
    WHERE defense_id IS NOT NULL
    GROUP BY defense_id, season
)
SELECT
    o.season,
    o.team,
    (o.rush_plays::numeric / nullif(o.total_plays, 0))::numeric(5,3) AS run_rate,
    (o.pass_plays::numeric / nullif(o.total_plays, 0))::numeric(5,3) AS pass_rate,
    o.rush_epa::numeric(6,4) AS epa_rushing,
    o.pass_epa::numeric(6,4) AS epa_passing,
    o.rush_success::numeric(5,3) AS rush_success_rate,
    o.pass_success::numeric(5,3) AS pass_success_rate,
    (o.total_plays::numeric / og.games)::numeric(5,1) AS plays_per_game,
    CASE
        WHEN o.total_plays::numeric / og.games >= 75 THEN 'up_tempo'
        WHEN o.total_plays::numeric / og.games >= 65 THEN 'balanced'
        WHEN og.games IS NOT NULL THEN 'slow'
    END AS tempo_category,
    d.def_epa_vs_run,
    d.def_epa_vs_pass,
    d.def_epa_allowed,
    CASE
        WHEN o.total_plays = 0 THEN NULL
        WHEN o.rush_plays::numeric / o.total_plays >= 0.55 THEN 'run_heavy'
        WHEN o.pass_plays::numeric / o.total_plays >= 0.55 THEN 'pass_heavy'
        ELSE 'balanced'
    END AS offensive_identity,
    CASE
        WHEN d.def_epa_vs_run < d.def_epa_vs_pass THEN 'run_stopper'
        WHEN d.def_epa_vs_pass < d.def_epa_vs_run THEN 'pass_stopper'
        ELSE 'balanced_defense'
    END AS defensive_identity,
    -- cfbops's columns
    o.team_id,
    o.off_plays,
    o.off_pass_rate,
    o.standard_downs_pass_rate,
    o.passing_downs_pass_rate,
    o.pass_epa_per_play,
    o.rush_epa_per_play,
    o.off_pass_success_rate,
    o.off_rush_success_rate,
    o.explosive_play_rate,
    o.yards_per_play,
    coalesce(d.def_plays, 0) AS def_plays,
    d.def_pass_epa_per_play,
    d.def_rush_epa_per_play,
    d.def_pass_success_rate,
    d.def_rush_success_rate,
    d.def_explosive_play_rate
FROM offense AS o
LEFT JOIN offense_games AS og ON og.team_id = o.team_id AND og.season = o.season
LEFT JOIN defense AS d ON d.team_id = o.team_id AND d.season = o.season;

CREATE UNIQUE INDEX team_style_profile_team_id_season_key ON marts.team_style_profile (team_id, season);

COMMENT ON MATERIALIZED VIEW marts.team_style_profile IS
    'Per team id and season: upstream''s style (run/pass rate, EPA and success rate by rush/pass, plays per game and tempo, EPA allowed by category, identities; garbage time out); then cfbops''s scrimmage figures: pass rate by down type, EPA and success by down and distance, explosive-play rate (runs 10+, passes 20+), yards per play, and the same allowed (def_*).';
COMMENT ON COLUMN marts.team_style_profile.tempo_category IS
    'up_tempo at 75+ plays per game, balanced at 65+, else slow (upstream''s meaning).';
