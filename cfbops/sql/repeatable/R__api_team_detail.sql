-- One row per FBS team (current membership, as upstream) and school name: reference
-- facts, the primary logo (_dlt_list_idx 0 of ref.teams__logos), and the team's latest
-- season with a scored game (else its latest scheduled one): record, ratings, EPA of
-- that same season. Columns 1-29 are the SPRINT5 list; cfbops's additions follow.
DROP VIEW IF EXISTS api.team_detail CASCADE;

CREATE VIEW api.team_detail AS
WITH latest_season AS (
    SELECT DISTINCT ON (tss.team_id) tss.*
    FROM marts.team_season_summary AS tss
    ORDER BY tss.team_id, (tss.games > 0) DESC, tss.season DESC
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
    coalesce(ls.conference_wins, 0) AS conf_wins,
    coalesce(ls.conference_losses, 0) AS conf_losses,
    round(ls.ppg, 1) AS ppg,
    round(ls.opp_ppg, 1) AS opp_ppg,
    round(ls.margin_per_game, 1) AS avg_margin,
    ls.sp_rating,
    ls.sp_ranking AS sp_rank,
    ls.sp_offense,
    ls.sp_defense,
    ls.elo,
    ls.fpi,
    round(tes.off_epa_per_play, 4) AS epa_per_play,
    tes.epa_tier,
    round(tes.off_success_rate, 4) AS success_rate,
    round(tes.off_explosiveness, 4) AS explosiveness,
    ls.recruiting_rank,
    ls.recruiting_points,
    -- cfbops additions
    t.id AS team_id,
    coalesce(ls.ties, 0) AS ties,
    ls.win_pct,
    tes.def_epa_per_play,
    tes.net_epa_per_play,
    tes.def_success_rate
FROM ref.teams AS t
LEFT JOIN ref.teams__logos AS logo ON logo._dlt_parent_id = t._dlt_id AND logo._dlt_list_idx = 0
LEFT JOIN latest_season AS ls ON ls.team_id = t.id
LEFT JOIN marts.team_epa_season AS tes ON tes.team_id = t.id AND tes.season = ls.season
WHERE t.classification = 'fbs'
ORDER BY t.school, ls.season DESC NULLS LAST, t.id;

COMMENT ON VIEW api.team_detail IS
    'One row per FBS team (and per school name): SPRINT5 columns (reference facts, logo_url, latest season record, ratings, EPA and tier, recruiting) then cfbops additions (team_id, ties, win_pct, defensive EPA). See SCHEMA_CONTRACT.md.';

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
