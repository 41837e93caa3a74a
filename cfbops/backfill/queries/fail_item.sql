-- The item failed with its reason; retryable ones are tried again by the next run.
UPDATE ops.backfill_items
SET state = 'failed', reason = %s, retryable = %s, calls_used = calls_used + %s,
    finished_at = now(), backend_pid = NULL
WHERE kind = %s AND item_key = %s
