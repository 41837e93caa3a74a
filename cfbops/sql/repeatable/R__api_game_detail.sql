-- One row per game (every status). Columns 1-33 are the published SPRINT5 list, in its
-- order, names and types; cfbops's additions follow them. The winner is named only
-- when the game is completed and both scores are known (null on a tie). One betting
-- line: consensus if present, else the first provider by name. spread is the home
-- line, so the home side covers when its margin plus the spread is positive.
DROP VIEW IF EXISTS api.game_detail CASCADE;

CREATE VIEW api.game_detail AS
SELECT
    g.id AS game_id,
    g.season,
    g.week,
    g.season_type,
    g.start_date,
    g.start_time_tbd,
    g.completed,
    g.neutral_site,
    g.conference_game,
    g.home_team,
    g.home_conference,
    g.home_points,
    g.home_pregame_elo,
    he.epa_per_play AS home_epa,
    he.success_rate AS home_success_rate,
    g.away_team,
    g.away_conference,
    g.away_points,
    g.away_pregame_elo,
    ae.epa_per_play AS away_epa,
    ae.success_rate AS away_success_rate,
    CASE WHEN NOT decided.is_decided THEN NULL
         WHEN g.home_points > g.away_points THEN g.home_team
         WHEN g.away_points > g.home_points THEN g.away_team END AS winner,
    CASE WHEN decided.is_decided THEN abs(g.home_points - g.away_points) END AS point_diff,
    line.spread AS home_spread,
    line.over_under,
    line.provider AS line_provider,
    CASE WHEN NOT decided.is_decided OR line.spread IS NULL THEN NULL
         WHEN g.home_points - g.away_points + line.spread > 0 THEN 'home_covered'
         WHEN g.home_points - g.away_points + line.spread < 0 THEN 'away_covered'
         ELSE 'push' END AS spread_result,
    CASE WHEN NOT decided.is_decided OR line.over_under IS NULL THEN NULL
         WHEN g.home_points + g.away_points > line.over_under THEN 'over'
         WHEN g.home_points + g.away_points < line.over_under THEN 'under'
         ELSE 'push' END AS ou_result,
    wp.home_win_probability AS pregame_home_win_prob,
    g.venue,
    g.venue_id,
    g.attendance,
    g.excitement_index,
    -- cfbops additions
    g.home_id,
    g.home_classification,
    g.away_id,
    g.away_classification,
    CASE WHEN NOT decided.is_decided THEN NULL
         WHEN g.home_points > g.away_points THEN 'home'
         WHEN g.away_points > g.home_points THEN 'away'
         ELSE 'tie' END AS result,
    CASE WHEN NOT decided.is_decided THEN NULL
         WHEN g.home_points > g.away_points THEN g.home_id
         WHEN g.away_points > g.home_points THEN g.away_id END AS winner_id,
    he.explosiveness AS home_explosiveness,
    ae.explosiveness AS away_explosiveness,
    line.home_moneyline,
    line.away_moneyline
FROM core.games AS g
CROSS JOIN LATERAL (
    SELECT coalesce(g.completed, false)
           AND g.home_points IS NOT NULL AND g.away_points IS NOT NULL AS is_decided
) AS decided
LEFT JOIN marts._game_epa_calc AS he ON he.game_id = g.id AND he.team = g.home_team
LEFT JOIN marts._game_epa_calc AS ae ON ae.game_id = g.id AND ae.team = g.away_team
LEFT JOIN LATERAL (
    SELECT l.provider, l.spread, l.over_under, l.home_moneyline, l.away_moneyline
    FROM betting.lines AS l
    WHERE l.game_id = g.id
    ORDER BY l.provider = 'consensus' DESC, l.provider
    LIMIT 1
) AS line ON true
LEFT JOIN LATERAL (
    SELECT w.home_win_probability
    FROM metrics.pregame_win_probability AS w
    WHERE w.game_id = g.id
    ORDER BY w._dlt_load_id DESC
    LIMIT 1
) AS wp ON true;

COMMENT ON VIEW api.game_detail IS
    'One row per game: SPRINT5 columns (teams, scores, EPA, winner, line and its results, pregame win probability, venue) then cfbops additions (team ids, result, winner_id). See SCHEMA_CONTRACT.md.';

-- A drop and re-create strips grants, and Supabase's PostgREST roles get no default
-- privileges: grant them again whenever they exist.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
        GRANT SELECT ON api.game_detail TO anon;
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
        GRANT SELECT ON api.game_detail TO authenticated;
    END IF;
END
$$;
