-- One row per team-season with at least one scored game, ranked within its season
-- and classification (an FCS team is never ranked against FBS teams). rank() ties
-- share a rank; a rank is null when its measure is null.
DROP VIEW IF EXISTS api.leaderboard_teams CASCADE;

CREATE VIEW api.leaderboard_teams AS
WITH board AS (
    SELECT
        tss.season,
        tss.classification,
        tss.team_id,
        tss.team AS school,
        tss.conference,
        tss.games,
        tss.wins,
        tss.losses,
        tss.ties,
        tss.win_pct,
        tss.ppg,
        tss.opp_ppg,
        tss.margin_per_game,
        tes.off_epa_per_play,
        tes.def_epa_per_play,
        tes.net_epa_per_play
    FROM marts.team_season_summary AS tss
    LEFT JOIN marts.team_epa_season AS tes
        ON tes.team_id = tss.team_id AND tes.season = tss.season
    WHERE tss.classification IS NOT NULL AND tss.games > 0
)
SELECT
    b.*,
    rank() OVER (PARTITION BY b.season, b.classification ORDER BY b.win_pct DESC, b.margin_per_game DESC)::integer AS win_pct_rank,
    rank() OVER (PARTITION BY b.season, b.classification ORDER BY b.ppg DESC)::integer AS ppg_rank,
    CASE WHEN b.off_epa_per_play IS NOT NULL THEN
        rank() OVER (PARTITION BY b.season, b.classification ORDER BY b.off_epa_per_play DESC NULLS LAST)::integer END AS off_epa_rank,
    CASE WHEN b.def_epa_per_play IS NOT NULL THEN
        rank() OVER (PARTITION BY b.season, b.classification ORDER BY b.def_epa_per_play ASC NULLS LAST)::integer END AS def_epa_rank,
    CASE WHEN b.net_epa_per_play IS NOT NULL THEN
        rank() OVER (PARTITION BY b.season, b.classification ORDER BY b.net_epa_per_play DESC NULLS LAST)::integer END AS net_epa_rank
FROM board AS b;

COMMENT ON VIEW api.leaderboard_teams IS
    'One row per team-season with a scored game; ranks (1 = best; defense: least EPA allowed) within season and classification. See SCHEMA_CONTRACT.md.';
