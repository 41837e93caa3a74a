-- One row per pair of teams that have met: all-time record and recent results.
DROP VIEW IF EXISTS api.matchup CASCADE;

CREATE VIEW api.matchup AS
SELECT
    mh.team1_id,
    mh.team1,
    mh.team2_id,
    mh.team2,
    mh.games AS total_games,
    mh.team1_wins,
    mh.team2_wins,
    mh.ties,
    (mh.team1_wins + 0.5 * mh.ties) / mh.games AS team1_win_pct,
    mh.team1_points,
    mh.team2_points,
    mh.first_season,
    mh.last_season,
    coalesce(mh.recent_results, '[]'::jsonb) AS recent_results
FROM marts.matchup_history AS mh;

COMMENT ON VIEW api.matchup IS
    'One row per pair of teams (team1 < team2 by name, then id): total_games = team1_wins + team2_wins + ties; recent_results is a JSONB array, newest first (at most 10). See SCHEMA_CONTRACT.md.';
