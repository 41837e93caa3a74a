-- One row per team-season: record, points, ratings, recruiting and EPA.
DROP VIEW IF EXISTS api.team_history CASCADE;

CREATE VIEW api.team_history AS
SELECT
    tss.team_id,
    tss.season,
    tss.team AS school,
    tss.conference,
    tss.classification,
    tss.games,
    tss.wins,
    tss.losses,
    tss.ties,
    tss.conference_wins,
    tss.conference_losses,
    tss.win_pct,
    tss.points_for,
    tss.points_against,
    tss.ppg,
    tss.opp_ppg,
    tss.margin_per_game,
    tss.sp_rating,
    tss.sp_ranking,
    tss.elo,
    tss.fpi,
    tss.recruiting_rank,
    tss.recruiting_points,
    tes.off_epa_per_play,
    tes.def_epa_per_play,
    tes.net_epa_per_play,
    tes.off_success_rate,
    tes.def_success_rate,
    tes.off_explosiveness,
    tes.def_explosiveness
FROM marts.team_season_summary AS tss
LEFT JOIN marts.team_epa_season AS tes
    ON tes.team_id = tss.team_id AND tes.season = tss.season;

COMMENT ON VIEW api.team_history IS
    'One row per team id and season: record, points, ratings, recruiting, EPA. See SCHEMA_CONTRACT.md.';
