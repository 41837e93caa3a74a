-- Calls spent this month by the ledger, and calls held by live blocks.
SELECT coalesce(sum(spent), 0)::int,
       coalesce(sum(granted - spent) FILTER (WHERE released_at IS NULL), 0)::int
FROM ops.cfbd_reservations
WHERE month = %s
