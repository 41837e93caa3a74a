-- Settled markets, matched to their game as prices are; a resolution that changed
-- (an amended result) is updated, one that did not is left alone.
INSERT INTO nfl.market_outcomes AS o (source, market_type, game_id, market_id, player_name,
                                      resolved_outcome, actual_first_td_scorer,
                                      resolution_time)
SELECT DISTINCT ON (s.source, s.market_id)
       s.source, s.market_type, g.id, s.market_id, s.player_name, s.outcome,
       CASE WHEN s.market_type = 'first_td' AND s.outcome = 'yes' THEN s.player_name END,
       s.resolved_at
  FROM market_resolutions AS s
  JOIN nfl.games AS g
    ON ((g.home_team = s.team_a AND g.away_team = s.team_b)
        OR (g.home_team = s.team_b AND g.away_team = s.team_a))
   AND g.game_date BETWEEN s.day - 1 AND s.day + 1
 ORDER BY s.source, s.market_id, g.id
ON CONFLICT (source, market_id) DO UPDATE
   SET resolved_outcome = excluded.resolved_outcome,
       actual_first_td_scorer = excluded.actual_first_td_scorer,
       resolution_time = excluded.resolution_time
 WHERE (o.resolved_outcome, o.actual_first_td_scorer, o.resolution_time)
       IS DISTINCT FROM
       (excluded.resolved_outcome, excluded.actual_first_td_scorer, excluded.resolution_time)
RETURNING source
