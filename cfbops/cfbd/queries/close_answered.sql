-- Closing a call answered 2xx (metered: nothing to refund), alone or as a WITH query riding
-- on the statement that stores what the call brought.
UPDATE ops.cfbd_calls
SET status = %s, outcome = %s, rows = %s, duration_ms = %s, metered = %s, error = %s,
    ended_at = clock_timestamp()
WHERE id = %s
