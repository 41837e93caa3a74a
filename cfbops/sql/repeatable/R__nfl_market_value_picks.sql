-- "Value" picks: players whose latest Kalshi and Polymarket prices for the same market
-- differ by 5 percentage points or more; the cheaper source is where the pick is value.
DROP VIEW IF EXISTS nfl.market_value_picks;

CREATE VIEW nfl.market_value_picks AS
WITH latest AS (
    SELECT DISTINCT ON (o.source, o.game_id, o.market_type, nfl.normalize_player_name(o.player_name))
           o.source, o.game_id, o.season, o.week, o.market_type, o.player_name, o.team,
           nfl.normalize_player_name(o.player_name) AS name_key,
           o.implied_probability, o.american_odds, o.snapshot_time
      FROM nfl.market_odds AS o
     ORDER BY o.source, o.game_id, o.market_type, nfl.normalize_player_name(o.player_name),
              o.snapshot_time DESC
)
SELECT k.game_id,
       k.season,
       k.week,
       k.market_type,
       k.player_name,
       coalesce(k.team, p.team) AS team,
       k.implied_probability AS kalshi_probability,
       p.implied_probability AS polymarket_probability,
       round(100 * abs(k.implied_probability - p.implied_probability), 1) AS difference_points,
       CASE WHEN k.implied_probability < p.implied_probability THEN 'kalshi'
            ELSE 'polymarket' END AS cheaper_source,
       least(k.implied_probability, p.implied_probability) AS best_probability,
       greatest(k.snapshot_time, p.snapshot_time) AS priced_at
  FROM latest AS k
  JOIN latest AS p
    ON p.source = 'polymarket' AND k.source = 'kalshi'
   AND p.game_id = k.game_id AND p.market_type = k.market_type AND p.name_key = k.name_key
 WHERE abs(k.implied_probability - p.implied_probability) >= 0.05;

COMMENT ON VIEW nfl.market_value_picks IS
    'Players whose latest Kalshi and Polymarket prices for one game and market type differ '
    'by 5 points (0.05 probability) or more; cheaper_source names the better buy.';
