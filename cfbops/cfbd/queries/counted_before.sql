-- The ledger's calls the API had surely counted when it answered call %(call)s: that call
-- itself, and those whose answer was in before it began. Calls in flight then may not be in
-- the API's figure: the ledger adds them on top (an overcount until the next figure, never
-- an undercount).
SELECT count(*)::int
FROM ops.cfbd_calls AS c
JOIN ops.cfbd_reservations AS r ON r.id = c.reservation_id
WHERE r.month = %(month)s AND c.metered
  AND (c.id = %(call)s
       OR c.ended_at < (SELECT called_at FROM ops.cfbd_calls WHERE id = %(call)s))
