-- One row per FBS team: reference facts, logos, and its latest season (the latest
-- with a scored game, else the latest scheduled) with record, ratings and EPA.
-- DISTINCT ON (school) keeps one row per name even if two FBS ids shared one.
DROP VIEW IF EXISTS api.team_detail CASCADE;

CREATE VIEW api.team_detail AS
WITH latest_season AS (
    SELECT DISTINCT ON (tss.team_id) tss.*
    FROM marts.team_season_summary AS tss
    ORDER BY tss.team_id, (tss.games > 0) DESC, tss.season DESC
)
SELECT DISTINCT ON (t.school)
    t.id AS team_id,
    t.school,
    t.mascot,
    t.abbreviation,
    t.conference,
    t.classification,
    t.color,
    t.alt_color,
    t.logos[1] AS logo,
    coalesce(t.logos, '{}') AS logos,
    ls.season,
    coalesce(ls.games, 0) AS games,
    coalesce(ls.wins, 0) AS wins,
    coalesce(ls.losses, 0) AS losses,
    coalesce(ls.ties, 0) AS ties,
    ls.win_pct,
    ls.ppg,
    ls.opp_ppg,
    ls.sp_rating,
    ls.elo,
    ls.fpi,
    ls.recruiting_rank,
    tes.off_epa_per_play,
    tes.def_epa_per_play,
    tes.net_epa_per_play,
    tes.off_success_rate,
    tes.def_success_rate,
    tes.off_explosiveness
FROM ref.teams AS t
LEFT JOIN latest_season AS ls ON ls.team_id = t.id
LEFT JOIN marts.team_epa_season AS tes ON tes.team_id = t.id AND tes.season = ls.season
WHERE t.classification = 'fbs'
ORDER BY t.school, ls.season DESC NULLS LAST, t.id;

COMMENT ON VIEW api.team_detail IS
    'One row per FBS team (and per school name): reference facts, logos, latest season record, ratings and EPA. See SCHEMA_CONTRACT.md.';
