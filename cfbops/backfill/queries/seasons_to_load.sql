-- The seasons holding completed games without play stats.
SELECT min(g.season), max(g.season)
FROM core.games AS g
WHERE g.completed AND NOT EXISTS (SELECT 1 FROM stats.play_stats AS ps WHERE ps.game_id = g.id)
