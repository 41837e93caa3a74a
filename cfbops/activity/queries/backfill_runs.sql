-- Backfill runs as the budget's ledger knows them: one session's reservations for a job (its
-- holder), when it began and ended, the calls it spent; ended null while the session holds one.
SELECT coalesce(max(r.released_at), min(r.created_at)) AS at, r.holder,
       min(r.created_at) AS began, bool_and(r.released_at IS NOT NULL) AS ended,
       sum(r.spent)::int AS calls
FROM ops.cfbd_reservations r
GROUP BY r.holder, r.backend_pid, r.backend_start
ORDER BY min(r.created_at) DESC
LIMIT %(limit)s
