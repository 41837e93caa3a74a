-- The simulated games' scores replace the ones drawn for them: final points, points by
-- period, win probability and Elo after the game all follow the play-by-play.
WITH by_period AS (
    SELECT s.game_id, s.period, sum(s.home_gain)::integer AS home, sum(s.away_gain)::integer AS away
    FROM seed_sim AS s
    GROUP BY s.game_id, s.period
),
by_game AS (
    SELECT b.game_id,
           sum(b.home)::integer AS home_points,
           sum(b.away)::integer AS away_points,
           array_agg(b.home ORDER BY b.period) AS home_line_scores,
           array_agg(b.away ORDER BY b.period) AS away_line_scores
    FROM by_period AS b
    GROUP BY b.game_id
)
UPDATE core.games AS g
SET home_points = r.home_points,
    away_points = r.away_points,
    home_line_scores = r.home_line_scores,
    away_line_scores = r.away_line_scores,
    home_post_win_prob = round((1 / (1 + exp(-(r.home_points - r.away_points) / 7.0)))::numeric, 4),
    away_post_win_prob = round((1 / (1 + exp((r.home_points - r.away_points) / 7.0)))::numeric, 4),
    home_postgame_elo = g.home_pregame_elo
        + round(25 * (sign(r.home_points - r.away_points)
                      - (g.home_pregame_elo - g.away_pregame_elo) / 400.0))::integer,
    away_postgame_elo = g.away_pregame_elo
        + round(25 * (sign(r.away_points - r.home_points)
                      - (g.away_pregame_elo - g.home_pregame_elo) / 400.0))::integer
FROM by_game AS r
WHERE g.id = r.game_id;
