-- Closing a call: its outcome, and its call back into the block when the API's rules
-- refund it (a call that took nothing from a block gives nothing back).
WITH ended AS (
    UPDATE ops.cfbd_calls
    SET status = %(status)s, outcome = %(outcome)s, rows = %(rows)s,
        duration_ms = %(duration_ms)s, metered = %(metered)s, error = %(error)s,
        ended_at = clock_timestamp()
    WHERE id = %(call)s
    RETURNING reservation_id)
UPDATE ops.cfbd_reservations SET spent = spent - 1
WHERE NOT %(metered)s AND spent > 0
  AND id = (SELECT reservation_id FROM ended)
