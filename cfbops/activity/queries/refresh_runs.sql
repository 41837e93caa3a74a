-- The latest refresh runs with how their marts ended (to_jsonb: `planned` is null before V0296).
SELECT coalesce(r.finished_at, r.started_at) AS at, r.run_id, r.status, r.wall_ms,
       (to_jsonb(r) ->> 'planned')::int AS planned,
       count(m.mart) FILTER (WHERE m.status = 'refreshed')::int AS refreshed,
       count(m.mart) FILTER (WHERE m.status = 'failed')::int AS failed,
       count(m.mart) FILTER (WHERE m.status = 'skipped')::int AS skipped,
       count(m.mart) FILTER (WHERE m.status = 'fresh')::int AS fresh
FROM ops.refresh_run r
LEFT JOIN ops.mart_refresh m ON m.run_id = r.run_id
GROUP BY r.run_id
ORDER BY r.run_id DESC
LIMIT %(limit)s
