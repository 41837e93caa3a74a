-- One item per completed game lacking play stats. A game another job planned already is
-- the same item: it keeps its state (running, done) whichever job asks.
INSERT INTO ops.backfill_items (kind, job_id, item_key, season)
SELECT 'play-stats', %(job)s, g.id, g.season
FROM core.games AS g
WHERE g.completed AND g.season BETWEEN %(first)s AND %(last)s
  AND NOT EXISTS (SELECT 1 FROM stats.play_stats AS ps WHERE ps.game_id = g.id)
ON CONFLICT (kind, item_key) DO NOTHING
