-- One item per season: each run loads and verifies its seasons again (games are added as a
-- season goes on), unless a runner holds the season now.
INSERT INTO ops.backfill_items (kind, job_id, item_key, season)
SELECT 'havoc', %(job)s, s, s
FROM generate_series(%(first)s::int, %(last)s::int) AS s
ON CONFLICT (kind, item_key) DO UPDATE
SET state = 'pending', reason = NULL, job_id = EXCLUDED.job_id
WHERE ops.backfill_items.state <> 'running'
