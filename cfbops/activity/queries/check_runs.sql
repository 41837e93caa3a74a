-- The latest data-quality runs with their standing findings by severity (muted ones apart).
SELECT coalesce(r.finished_at, r.started_at) AS at, r.run_id, r.finished_at IS NOT NULL, r.wall_ms,
       count(*) FILTER (WHERE c.outcome = 'failed' AND c.severity = 'error' AND NOT c.muted)::int,
       count(*) FILTER (WHERE c.outcome = 'failed' AND c.severity = 'warn' AND NOT c.muted)::int,
       count(*) FILTER (WHERE c.outcome = 'not_run')::int
FROM ops.check_run r
LEFT JOIN ops.check_result c ON c.run_id = r.run_id
GROUP BY r.run_id
ORDER BY r.run_id DESC
LIMIT %(limit)s
