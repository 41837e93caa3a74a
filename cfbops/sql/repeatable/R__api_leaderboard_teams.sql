-- One row per team-season with at least one scored game. Columns 1-29 are the SPRINT5
-- list; cfbops's additions follow. Ranks are within season AND classification (an FCS
-- team is never ranked against FBS teams); rank() ties share a rank; a rank is null
-- when its measure is null. win_pct counts a tie as half a win.
DROP VIEW IF EXISTS api.leaderboard_teams CASCADE;

CREATE VIEW api.leaderboard_teams AS
WITH board AS (
    SELECT
        tss.*,
        tes.off_epa_per_play,
        tes.def_epa_per_play,
        tes.net_epa_per_play,
        tes.off_success_rate,
        tes.off_explosiveness,
        tes.epa_tier,
        tes.total_plays
    FROM marts.team_season_summary AS tss
    LEFT JOIN marts.team_epa_season AS tes
        ON tes.team_id = tss.team_id AND tes.season = tss.season
    WHERE tss.games > 0
)
SELECT
    b.team,
    b.conference,
    b.season,
    b.games,
    b.wins,
    b.losses,
    round(b.win_pct, 3) AS win_pct,
    b.conference_wins AS conf_wins,
    b.conference_losses AS conf_losses,
    round(b.ppg, 1) AS ppg,
    round(b.opp_ppg, 1) AS opp_ppg,
    round(b.margin_per_game, 1) AS avg_margin,
    b.sp_rating,
    b.sp_ranking AS sp_rank,
    b.sp_offense,
    b.sp_defense,
    b.elo,
    b.fpi,
    round(b.off_epa_per_play, 4) AS epa_per_play,
    b.epa_tier,
    round(b.off_success_rate, 4) AS success_rate,
    round(b.off_explosiveness, 4) AS explosiveness,
    b.total_plays,
    b.recruiting_rank,
    b.recruiting_points,
    rank() OVER (PARTITION BY b.season, b.classification
                 ORDER BY b.wins DESC, b.margin_per_game DESC) AS wins_rank,
    rank() OVER (PARTITION BY b.season, b.classification ORDER BY b.ppg DESC) AS ppg_rank,
    rank() OVER (PARTITION BY b.season, b.classification ORDER BY b.opp_ppg ASC) AS defense_ppg_rank,
    CASE WHEN b.off_epa_per_play IS NOT NULL THEN
        rank() OVER (PARTITION BY b.season, b.classification
                     ORDER BY b.off_epa_per_play DESC NULLS LAST) END AS epa_rank,
    -- cfbops additions
    b.team_id,
    b.classification,
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
    'One row per team-season with a scored game: SPRINT5 columns and ranks (1 = best) within season and classification, then cfbops additions (team_id, classification, ties, net/defensive EPA and their ranks). See SCHEMA_CONTRACT.md.';

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
