-- The ledger's most recent calls, newest first, with the run whose block paid for each.
SELECT c.id, c.called_at, c.endpoint, c.params, c.status, c.outcome, c.rows, c.duration_ms,
       c.metered, c.error, r.holder
FROM ops.cfbd_calls AS c
LEFT JOIN ops.cfbd_reservations AS r ON r.id = c.reservation_id
ORDER BY c.id DESC
LIMIT %s
