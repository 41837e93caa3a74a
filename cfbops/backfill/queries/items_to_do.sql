-- Items of the range left to do: pending, or running for a session that is gone (kill -9).
SELECT count(*)
FROM ops.backfill_items AS c
WHERE c.kind = %(kind)s AND c.season BETWEEN %(first)s AND %(last)s
  AND (c.state = 'pending'
       OR (c.state = 'running' AND NOT EXISTS (
               SELECT 1 FROM pg_stat_get_activity(c.backend_pid) AS a
               WHERE a.backend_start = c.backend_start)))
