-- The item done, riding on the statement that writes its rows.
UPDATE ops.backfill_items
SET state = 'done', calls_used = calls_used + %s, rows_written = %s, finished_at = now(),
    backend_pid = NULL
WHERE kind = %s AND item_key = %s
