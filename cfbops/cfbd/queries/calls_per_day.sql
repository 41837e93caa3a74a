-- Metered calls per UTC day (/info is free and must not make a day look busy).
SELECT (called_at AT TIME ZONE 'UTC')::date AS day, count(*)::int
FROM ops.cfbd_calls
WHERE metered AND called_at >= %(first)s::date AT TIME ZONE 'UTC'
  AND called_at < (%(last)s::date + 1) AT TIME ZONE 'UTC'
GROUP BY day
