-- The job for a kind and season range: created the first time, resumed (unpaused) after.
INSERT INTO ops.backfill_jobs (kind, first_season, last_season)
VALUES (%s, %s, %s)
ON CONFLICT (kind, first_season, last_season)
DO UPDATE SET updated_at = now(), paused_at = NULL
RETURNING id
