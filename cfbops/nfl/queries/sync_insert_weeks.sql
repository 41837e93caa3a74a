-- Every (season, week) the schedule names, once.
INSERT INTO nfl.weeks (season, week)
SELECT DISTINCT s.season, s.week FROM sync_games AS s
 WHERE s.season IS NOT NULL AND s.week BETWEEN 1 AND 23
 ORDER BY 1, 2
ON CONFLICT (season, week) DO NOTHING
