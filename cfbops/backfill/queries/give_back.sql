-- The run stopped before this item was done: it waits for the next run, its calls counted.
UPDATE ops.backfill_items
SET state = 'pending', calls_used = calls_used + %s, reason = %s, backend_pid = NULL
WHERE kind = %s AND item_key = %s
