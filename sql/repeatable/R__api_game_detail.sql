-- One row per game: the game, each side's EPA, the winner (only when the game is
-- completed and both scores are known) and one betting line (consensus if present,
-- else the first provider by name).
DROP VIEW IF EXISTS api.game_detail CASCADE;

CREATE VIEW api.game_detail AS
SELECT
    g.id AS game_id,
    g.season,
    g.week,
    g.season_type,
    g.start_date,
    g.completed,
    g.neutral_site,
    g.conference_game,
    g.venue_id,
    g.venue,
    g.attendance,
    g.home_id,
    g.home_team,
    g.home_conference,
    g.home_classification,
    g.home_points,
    g.home_pregame_elo,
    g.away_id,
    g.away_team,
    g.away_conference,
    g.away_classification,
    g.away_points,
    g.away_pregame_elo,
    g.excitement_index,
    CASE WHEN NOT decided.is_decided THEN NULL
         WHEN g.home_points > g.away_points THEN 'home'
         WHEN g.away_points > g.home_points THEN 'away'
         ELSE 'tie' END AS result,
    CASE WHEN NOT decided.is_decided THEN NULL
         WHEN g.home_points > g.away_points THEN g.home_id
         WHEN g.away_points > g.home_points THEN g.away_id END AS winner_id,
    CASE WHEN NOT decided.is_decided THEN NULL
         WHEN g.home_points > g.away_points THEN g.home_team
         WHEN g.away_points > g.home_points THEN g.away_team END AS winner,
    he.epa_per_play AS home_epa_per_play,
    he.success_rate AS home_success_rate,
    he.explosiveness AS home_explosiveness,
    ae.epa_per_play AS away_epa_per_play,
    ae.success_rate AS away_success_rate,
    ae.explosiveness AS away_explosiveness,
    line.provider AS line_provider,
    line.spread,
    line.spread_open,
    line.over_under,
    line.over_under_open,
    line.home_moneyline,
    line.away_moneyline
FROM core.games AS g
CROSS JOIN LATERAL (
    SELECT g.completed AND g.home_points IS NOT NULL AND g.away_points IS NOT NULL AS is_decided
) AS decided
LEFT JOIN marts._game_epa_calc AS he ON he.game_id = g.id AND he.team = g.home_team
LEFT JOIN marts._game_epa_calc AS ae ON ae.game_id = g.id AND ae.team = g.away_team
LEFT JOIN LATERAL (
    SELECT l.provider, l.spread, l.spread_open, l.over_under, l.over_under_open,
           l.home_moneyline, l.away_moneyline
    FROM betting.lines AS l
    WHERE l.game_id = g.id
    ORDER BY lower(l.provider) = 'consensus' DESC, l.provider
    LIMIT 1
) AS line ON true;

COMMENT ON VIEW api.game_detail IS
    'One row per game: teams, scores, result and winner (null until completed with both scores), per-side EPA, one betting line (consensus preferred). See SCHEMA_CONTRACT.md.';
