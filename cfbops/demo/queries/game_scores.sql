-- The simulated games' scores replace the ones drawn for them: final points, points by
-- period (the child tables of core.games, joined on its _dlt_id), win probability and
-- Elo after the game all follow the play-by-play.
WITH by_period AS (
    SELECT s.game_id, s.period, sum(s.home_gain)::integer AS home, sum(s.away_gain)::integer AS away
    FROM seed_sim AS s
    GROUP BY s.game_id, s.period
),
by_game AS (
    SELECT b.game_id,
           sum(b.home)::integer AS home_points,
           sum(b.away)::integer AS away_points
    FROM by_period AS b
    GROUP BY b.game_id
)
UPDATE core.games AS g
SET home_points = r.home_points,
    away_points = r.away_points,
    home_postgame_win_probability = round((1 / (1 + exp(-(r.home_points - r.away_points) / 7.0)))::numeric, 4),
    away_postgame_win_probability = round((1 / (1 + exp((r.home_points - r.away_points) / 7.0)))::numeric, 4),
    home_postgame_elo = g.home_pregame_elo
        + round(25 * (sign(r.home_points - r.away_points)
                      - (g.home_pregame_elo - g.away_pregame_elo) / 400.0))::integer,
    away_postgame_elo = g.away_pregame_elo
        + round(25 * (sign(r.away_points - r.home_points)
                      - (g.away_pregame_elo - g.home_pregame_elo) / 400.0))::integer
FROM by_game AS r
WHERE g.id = r.game_id;

INSERT INTO core.games__home_line_scores (value, _dlt_root_id, _dlt_parent_id, _dlt_list_idx, _dlt_id)
SELECT sum(s.home_gain), g._dlt_id, g._dlt_id, s.period - 1,
       pg_temp.dlt_id('games__home_line_scores', g.id || '/' || s.period)
FROM seed_sim AS s
JOIN core.games AS g ON g.id = s.game_id
GROUP BY g.id, g._dlt_id, s.period
ORDER BY g.id, s.period;

INSERT INTO core.games__away_line_scores (value, _dlt_root_id, _dlt_parent_id, _dlt_list_idx, _dlt_id)
SELECT sum(s.away_gain), g._dlt_id, g._dlt_id, s.period - 1,
       pg_temp.dlt_id('games__away_line_scores', g.id || '/' || s.period)
FROM seed_sim AS s
JOIN core.games AS g ON g.id = s.game_id
GROUP BY g.id, g._dlt_id, s.period
ORDER BY g.id, s.period;
