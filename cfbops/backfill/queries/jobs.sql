-- Every job with the items of its range (an item shared by overlapping jobs counts in
-- each), running ones only when their session is alive; rates from items finished in the
-- last %(window)s, so an old job's ETA is not from last month. A running job's rate is
-- measured up to now, so a stall shows; a stopped one's up to its last finished item, so
-- it keeps the rate it ended with instead of one decaying for ever. The items' kind is
-- read through the job that planned them, so this reads a schema from before items had one.
WITH items AS (
    SELECT j.id AS job_id, i.item_key, i.state, i.calls_used, i.rows_written, i.finished_at,
           i.state = 'running' AND EXISTS (
               SELECT 1 FROM pg_stat_activity AS a
               WHERE a.pid = i.backend_pid AND a.backend_start = i.backend_start) AS live
    FROM ops.backfill_jobs AS j
    JOIN (ops.backfill_items AS i JOIN ops.backfill_jobs AS planner ON planner.id = i.job_id)
      ON planner.kind = j.kind AND i.season BETWEEN j.first_season AND j.last_season
), rate_end AS (
    SELECT job_id, CASE WHEN bool_or(live) THEN now() ELSE max(finished_at) END AS at
    FROM items GROUP BY job_id
)
SELECT j.id, j.kind, j.first_season, j.last_season,
       -- through to_jsonb: a database migrated before V0295 has no paused_at, and no pause.
       (to_jsonb(j) ->> 'paused_at') IS NOT NULL AS paused,
       count(i.item_key)::int AS total,
       count(*) FILTER (WHERE i.state = 'done')::int AS done,
       count(*) FILTER (WHERE i.state = 'failed')::int AS failed,
       count(*) FILTER (WHERE i.live)::int AS running,
       coalesce(sum(i.calls_used), 0)::int AS calls_used,
       coalesce(sum(i.rows_written), 0)::int AS rows_written,
       count(*) FILTER (WHERE i.finished_at > e.at - %(window)s::interval)::int AS recent,
       coalesce(sum(i.rows_written)
           FILTER (WHERE i.finished_at > e.at - %(window)s::interval), 0)::int AS recent_rows,
       extract(epoch FROM e.at - min(i.finished_at)
           FILTER (WHERE i.finished_at > e.at - %(window)s::interval))::float AS recent_s
FROM ops.backfill_jobs AS j
LEFT JOIN items AS i ON i.job_id = j.id
LEFT JOIN rate_end AS e ON e.job_id = j.id
GROUP BY j.id, e.at
ORDER BY j.id
