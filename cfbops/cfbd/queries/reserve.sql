-- A block of calls for one run, held by this session (released by the run, or by the next
-- reservation once the session is gone).
INSERT INTO ops.cfbd_reservations (month, holder, granted, backend_pid, backend_start)
SELECT %s, %s, %s, pid, backend_start
FROM pg_stat_activity
WHERE pid = pg_backend_pid()
RETURNING id
