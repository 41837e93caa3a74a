-- Claim the next item of the range and book its first call, in one statement: the item
-- only when its job is not paused and the block (%(reservation)s) has room for the call
-- and for the calls it keeps in hand (%(spare)s: a truncated game's per-team split); the
-- call taken from the block and its ledger row opened. No row: nothing left to claim (or
-- no room); a NULL call: another worker took the room between the check and the booking.
-- A running item whose session is gone (kill -9) is free to take again; one backend's
-- activity by its pid, not the whole pg_stat_activity view: claims run once per game.
WITH claimed AS (
    UPDATE ops.backfill_items AS i
    SET state = 'running', attempts = i.attempts + 1, reason = NULL, job_id = %(job)s,
        backend_pid = me.pid, backend_start = me.backend_start
    FROM pg_stat_get_activity(pg_backend_pid()) AS me
    WHERE (i.kind, i.item_key) = (
        SELECT c.kind, c.item_key
        FROM ops.backfill_items AS c
        WHERE c.kind = %(kind)s AND c.season BETWEEN %(first)s AND %(last)s
          AND (c.state = 'pending'
               OR (c.state = 'running' AND NOT EXISTS (
                       SELECT 1 FROM pg_stat_get_activity(c.backend_pid) AS a
                       WHERE a.backend_start = c.backend_start)))
          AND NOT EXISTS (
              SELECT 1 FROM ops.backfill_jobs AS j
              WHERE j.id = %(job)s AND j.paused_at IS NOT NULL)
          AND EXISTS (
              SELECT 1 FROM ops.cfbd_reservations AS r
              WHERE r.id = %(reservation)s AND r.released_at IS NULL
                AND r.spent + 1 + %(spare)s <= r.granted)
        ORDER BY c.season DESC, c.item_key
        LIMIT 1
        FOR UPDATE OF c SKIP LOCKED)
    RETURNING i.item_key, i.season
),
booked AS (
    -- Checked again here on the block's latest row: two workers may both have seen room.
    UPDATE ops.cfbd_reservations
    SET spent = spent + 1
    WHERE id = %(reservation)s AND spent + 1 + %(spare)s <= granted AND released_at IS NULL
      AND EXISTS (SELECT FROM claimed)
    RETURNING id
),
opened AS (
    INSERT INTO ops.cfbd_calls (reservation_id, endpoint, params, metered)
    SELECT booked.id, %(endpoint)s, jsonb_build_object(%(param)s::text, claimed.item_key), true
    FROM booked, claimed
    RETURNING id
)
SELECT claimed.item_key, claimed.season, (SELECT id FROM opened) FROM claimed
