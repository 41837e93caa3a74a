-- Failed items of the range that may succeed on another try go back in the queue.
UPDATE ops.backfill_items
SET state = 'pending'
WHERE kind = %(kind)s AND season BETWEEN %(first)s AND %(last)s
  AND state = 'failed' AND retryable
