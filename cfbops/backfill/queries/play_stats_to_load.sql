-- Games a play-stats run would load: completed, without play stats, and not a 400 a run
-- recorded (runs never ask for those again).
SELECT count(*)::int
FROM core.games AS g
WHERE g.completed AND g.season BETWEEN %(first)s AND %(last)s
  AND NOT EXISTS (SELECT 1 FROM stats.play_stats AS ps WHERE ps.game_id = g.id)
  AND NOT EXISTS (
      -- the item's kind through its job: this reads a schema from before items had one
      SELECT 1 FROM ops.backfill_items AS i JOIN ops.backfill_jobs AS j ON j.id = i.job_id
      WHERE j.kind = 'play-stats' AND i.item_key = g.id
        AND i.state = 'failed' AND NOT i.retryable)
