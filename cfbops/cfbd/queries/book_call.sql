-- Booking a metered call: one statement (one round trip, its own transaction) takes a call
-- from the block and opens the call's ledger row, or takes nothing when the block is spent.
WITH booked AS (
    UPDATE ops.cfbd_reservations SET spent = spent + 1
    WHERE id = %(reservation)s AND spent < granted AND released_at IS NULL
    RETURNING id)
INSERT INTO ops.cfbd_calls (reservation_id, endpoint, params, metered)
SELECT id, %(endpoint)s, %(params)s, true FROM booked
RETURNING id
