-- A run that stops without waiting for its workers (Ctrl-C while a request hangs): the
-- items its worker sessions still hold go back to pending now, not when the sessions end.
UPDATE ops.backfill_items
SET state = 'pending', backend_pid = NULL
WHERE kind = %(kind)s AND state = 'running' AND backend_pid = ANY(%(pids)s)
