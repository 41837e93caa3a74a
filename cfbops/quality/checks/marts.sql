-- Marts: never populated, or stale past a threshold (from cfbops's refresh history).

-- check: marts_never_populated
-- severity: error
-- message: {count} marts were never populated: every query on them fails
-- action: run `cfbops --headless refresh --select NAME` for each (samples name them)
SELECT m.schemaname || '.' || m.matviewname AS mart
FROM pg_catalog.pg_matviews AS m
WHERE NOT m.ispopulated
ORDER BY 1

-- check: marts_stale
-- severity: warn
-- message: {count} marts were last refreshed by cfbops over 36 hours ago, or never
-- action: run `cfbops --headless refresh --stale` (nightly from cron)
SELECT m.schemaname || '.' || m.matviewname AS mart, r.last_refreshed_at
FROM pg_catalog.pg_matviews AS m
LEFT JOIN (
    SELECT mart, max(started_at) AS last_refreshed_at
    FROM ops.mart_refresh
    WHERE status IN ('refreshed', 'fresh')
    GROUP BY mart
) AS r ON r.mart = m.schemaname || '.' || m.matviewname
WHERE m.ispopulated
  AND (r.last_refreshed_at IS NULL OR r.last_refreshed_at < now() - interval '36 hours')
ORDER BY r.last_refreshed_at NULLS FIRST, 1
