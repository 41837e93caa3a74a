-- One row per team-season with at least one scored game. Columns 1-29 are the SPRINT5
-- list, with upstream's meaning (win_pct = wins over games, 3 places; figures as
-- marts.team_season_summary and marts.team_epa_season hold them), then upstream HEAD's
-- classification (the one the team carried in most of the season's games); cfbops's
-- additions follow. Ranks are within season AND classification, as upstream's HEAD (an
-- FCS team is never ranked against FBS teams); rank() ties share a rank; a rank is null
-- when its measure is null.
DROP VIEW IF EXISTS api.leaderboard_teams CASCADE;

CREATE VIEW api.leaderboard_teams AS
WITH board AS (
    SELECT
        tss.*,
        tes.epa_per_play,
        tes.epa_tier,
        tes.success_rate,
        tes.explosiveness,
        tes.total_plays,
        tes.off_epa_per_play,
        tes.def_epa_per_play,
        tes.net_epa_per_play
    FROM marts.team_season_summary AS tss
    LEFT JOIN marts.team_epa_season AS tes
        ON tes.team_id = tss.team_id AND tes.season = tss.season
    WHERE tss.games > 0
)
SELECT
    b.team,
    b.conference::varchar AS conference,
    b.season,
    b.games,
    b.wins,
    b.losses,
    round(b.wins::numeric / b.games, 3) AS win_pct,
    b.conf_wins,
    b.conf_losses,
    b.ppg,
    b.opp_ppg,
    b.avg_margin,
    b.sp_rating,
    b.sp_rank,
    b.sp_offense,
    b.sp_defense,
    b.elo,
    b.fpi,
    b.epa_per_play,
    b.epa_tier,
    b.success_rate,
    b.explosiveness,
    b.total_plays,
    b.recruiting_rank,
    b.recruiting_points,
    rank() OVER (PARTITION BY b.season, b.classification
                 ORDER BY b.wins DESC, b.avg_margin DESC) AS wins_rank,
    rank() OVER (PARTITION BY b.season, b.classification ORDER BY b.ppg DESC) AS ppg_rank,
    rank() OVER (PARTITION BY b.season, b.classification ORDER BY b.opp_ppg ASC) AS defense_ppg_rank,
    CASE WHEN b.epa_per_play IS NOT NULL THEN
        rank() OVER (PARTITION BY b.season, b.classification
                     ORDER BY b.epa_per_play DESC NULLS LAST) END AS epa_rank,
    -- upstream HEAD
    b.classification,
    -- cfbops additions
    b.team_id,
    b.ties,
    b.margin_per_game,
    b.off_epa_per_play,
    b.def_epa_per_play,
    b.net_epa_per_play,
    rank() OVER (PARTITION BY b.season, b.classification
                 ORDER BY b.win_pct DESC, b.margin_per_game DESC) AS win_pct_rank,
    CASE WHEN b.def_epa_per_play IS NOT NULL THEN
        rank() OVER (PARTITION BY b.season, b.classification
                     ORDER BY b.def_epa_per_play ASC NULLS LAST) END AS def_epa_rank,
    CASE WHEN b.net_epa_per_play IS NOT NULL THEN
        rank() OVER (PARTITION BY b.season, b.classification
                     ORDER BY b.net_epa_per_play DESC NULLS LAST) END AS net_epa_rank
FROM board AS b;

COMMENT ON VIEW api.leaderboard_teams IS
    'One row per team-season with a scored game: SPRINT5 columns and ranks (1 = best) within season and classification, HEAD''s classification, then cfbops additions (team_id, ties, net/defensive EPA and their ranks). See SCHEMA_CONTRACT.md.';

-- A drop and re-create strips grants, and Supabase's PostgREST roles get no default
-- privileges: grant them again whenever they exist.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
        GRANT SELECT ON api.leaderboard_teams TO anon;
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
        GRANT SELECT ON api.leaderboard_teams TO authenticated;
    END IF;
END
$$;
