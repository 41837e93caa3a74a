-- One row per FBS team (current membership, as upstream) and school name: reference
-- facts, the primary logo (_dlt_list_idx 0 of ref.teams__logos), the team's latest
-- season with a scored game (else its latest scheduled one): record, ratings,
-- recruiting; and, as upstream's, the EPA figures of the team's latest season with
-- play-by-play, taken on their own. Columns 1-29 are the SPRINT5 list, then upstream
-- HEAD's core_overall, core_offense and core_defense (CFBD CORE ratings; null where
-- ratings.core_ratings is not loaded); cfbops's additions follow.
DROP VIEW IF EXISTS api.team_detail CASCADE;

CREATE VIEW api.team_detail AS
WITH latest_season AS (
    SELECT DISTINCT ON (tss.team_id) tss.*
    FROM marts.team_season_summary AS tss
    ORDER BY tss.team_id, (tss.games > 0) DESC, tss.season DESC
),
latest_epa AS (
    SELECT DISTINCT ON (tes.team_id) tes.*
    FROM marts.team_epa_season AS tes
    ORDER BY tes.team_id, tes.season DESC
)
SELECT DISTINCT ON (t.school)
    t.school,
    t.mascot,
    t.abbreviation,
    t.color,
    t.alternate_color,
    logo.value AS logo_url,
    t.conference,
    t.classification,
    ls.season AS current_season,
    coalesce(ls.games, 0) AS games,
    coalesce(ls.wins, 0) AS wins,
    coalesce(ls.losses, 0) AS losses,
    coalesce(ls.conf_wins, 0) AS conf_wins,
    coalesce(ls.conf_losses, 0) AS conf_losses,
    ls.ppg,
    ls.opp_ppg,
    ls.avg_margin,
    ls.sp_rating,
    ls.sp_rank,
    ls.sp_offense,
    ls.sp_defense,
    ls.elo,
    ls.fpi,
    le.epa_per_play,
    le.epa_tier,
    le.success_rate,
    le.explosiveness,
    ls.recruiting_rank,
    ls.recruiting_points,
    -- upstream HEAD
    ls.core_overall,
    ls.core_offense,
    ls.core_defense,
    -- cfbops additions
    t.id AS team_id,
    coalesce(ls.ties, 0) AS ties,
    ls.win_pct,
    le.def_epa_per_play,
    le.net_epa_per_play,
    le.def_success_rate
FROM ref.teams AS t
LEFT JOIN ref.teams__logos AS logo ON logo._dlt_parent_id = t._dlt_id AND logo._dlt_list_idx = 0
LEFT JOIN latest_season AS ls ON ls.team_id = t.id
LEFT JOIN latest_epa AS le ON le.team_id = t.id
WHERE t.classification = 'fbs'
ORDER BY t.school, ls.season DESC NULLS LAST, t.id;

COMMENT ON VIEW api.team_detail IS
    'One row per FBS team (and per school name): SPRINT5 columns (reference facts, logo_url, latest season record, ratings, latest EPA and tier, recruiting), HEAD''s CORE ratings, then cfbops additions (team_id, ties, win_pct, defensive EPA). See SCHEMA_CONTRACT.md.';
COMMENT ON COLUMN api.team_detail.core_overall IS
    'CFBD CORE overall rating of the current season (marts.team_season_summary), whole number; null where ratings.core_ratings is not loaded.';
COMMENT ON COLUMN api.team_detail.core_offense IS
    'CFBD CORE offense rating (higher is better) of the current season, as text; null where ratings.core_ratings is not loaded.';
COMMENT ON COLUMN api.team_detail.core_defense IS
    'CFBD CORE defense rating (lower is better) of the current season, as text; null where ratings.core_ratings is not loaded.';

-- A drop and re-create strips grants, and Supabase's PostgREST roles get no default
-- privileges: grant them again whenever they exist.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
        GRANT SELECT ON api.team_detail TO anon;
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
        GRANT SELECT ON api.team_detail TO authenticated;
    END IF;
END
$$;
