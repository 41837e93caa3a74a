-- Calls a stopping run's workers left in flight: closed as interrupted, still metered (the
-- API may have counted them), so the ledger shows none open.
UPDATE ops.cfbd_calls
SET outcome = 'interrupted', error = 'the run stopped before the answer came',
    ended_at = clock_timestamp()
WHERE reservation_id = %(reservation)s AND outcome IS NULL
