-- One row per team id and season of marts.team_season_summary. Columns 1-22 are the
-- SPRINT5 list, then upstream HEAD's additions (sp_offense, sp_defense, the CFBD CORE
-- ratings: null where ratings.core_ratings is not loaded); cfbops's additions follow.
DROP VIEW IF EXISTS api.team_history CASCADE;

CREATE VIEW api.team_history AS
SELECT
    tss.team,
    tss.season,
    tss.conference::varchar AS conference,
    tss.games,
    tss.wins,
    tss.losses,
    tss.conf_wins,
    tss.conf_losses,
    tss.ppg,
    tss.opp_ppg,
    tss.avg_margin,
    tss.sp_rating,
    tss.sp_rank,
    tss.elo,
    tss.fpi,
    tes.epa_per_play,
    tes.epa_tier,
    tes.success_rate,
    tes.explosiveness,
    tes.total_plays,
    tss.recruiting_rank,
    tss.recruiting_points,
    -- upstream HEAD
    tss.sp_offense,
    tss.sp_defense,
    tss.core_overall,
    tss.core_offense,
    tss.core_defense,
    -- cfbops additions
    tss.team_id,
    tss.classification,
    tss.ties,
    tss.win_pct,
    tss.points_for,
    tss.points_against,
    tes.def_epa_per_play,
    tes.net_epa_per_play,
    tes.def_success_rate,
    tes.def_explosiveness
FROM marts.team_season_summary AS tss
LEFT JOIN marts.team_epa_season AS tes
    ON tes.team_id = tss.team_id AND tes.season = tss.season;

COMMENT ON VIEW api.team_history IS
    'One row per team id and season: SPRINT5 columns (record, points, ratings, EPA and tier, recruiting), HEAD''s SP+ split and CORE ratings, then cfbops additions (team_id, classification, ties, win_pct, defensive EPA). See SCHEMA_CONTRACT.md.';
COMMENT ON COLUMN api.team_history.core_overall IS
    'CFBD CORE overall rating of the season, whole number; null where ratings.core_ratings is not loaded (2016 on only).';
COMMENT ON COLUMN api.team_history.core_offense IS
    'CFBD CORE offense rating (higher is better), as text; null where ratings.core_ratings is not loaded.';
COMMENT ON COLUMN api.team_history.core_defense IS
    'CFBD CORE defense rating (lower is better), as text; null where ratings.core_ratings is not loaded.';

-- A drop and re-create strips grants, and Supabase's PostgREST roles get no default
-- privileges: grant them again whenever they exist.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
        GRANT SELECT ON api.team_history TO anon;
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
        GRANT SELECT ON api.team_history TO authenticated;
    END IF;
END
$$;
