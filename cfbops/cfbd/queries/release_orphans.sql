-- A block whose holding session is gone (kill -9) gives back what it never started.
UPDATE ops.cfbd_reservations AS r
SET granted = r.spent, released_at = now()
WHERE r.released_at IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM pg_stat_activity AS a
      WHERE a.pid = r.backend_pid AND a.backend_start = r.backend_start)
