-- One row per team id and season of marts.team_season_summary. Columns 1-22 are the
-- SPRINT5 list; cfbops's additions follow.
DROP VIEW IF EXISTS api.team_history CASCADE;

CREATE VIEW api.team_history AS
SELECT
    tss.team,
    tss.season,
    tss.conference,
    tss.games,
    tss.wins,
    tss.losses,
    tss.conference_wins AS conf_wins,
    tss.conference_losses AS conf_losses,
    round(tss.ppg, 1) AS ppg,
    round(tss.opp_ppg, 1) AS opp_ppg,
    round(tss.margin_per_game, 1) AS avg_margin,
    tss.sp_rating,
    tss.sp_ranking AS sp_rank,
    tss.elo,
    tss.fpi,
    round(tes.off_epa_per_play, 4) AS epa_per_play,
    tes.epa_tier,
    round(tes.off_success_rate, 4) AS success_rate,
    round(tes.off_explosiveness, 4) AS explosiveness,
    tes.total_plays,
    tss.recruiting_rank,
    tss.recruiting_points,
    -- cfbops additions
    tss.team_id,
    tss.classification,
    tss.ties,
    tss.win_pct,
    tss.points_for,
    tss.points_against,
    tss.sp_offense,
    tss.sp_defense,
    tes.def_epa_per_play,
    tes.net_epa_per_play,
    tes.def_success_rate,
    tes.def_explosiveness
FROM marts.team_season_summary AS tss
LEFT JOIN marts.team_epa_season AS tes
    ON tes.team_id = tss.team_id AND tes.season = tss.season;

COMMENT ON VIEW api.team_history IS
    'One row per team id and season: SPRINT5 columns (record, points, ratings, EPA and tier, recruiting) then cfbops additions (team_id, classification, ties, win_pct, defensive EPA). See SCHEMA_CONTRACT.md.';

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
