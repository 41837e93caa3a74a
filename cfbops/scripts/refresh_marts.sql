-- Refresh every mart in dependency order and print the timing table.
--   psql "$DATABASE_URL" -f scripts/refresh_marts.sql
-- Exits non-zero (3) when a mart failed or was skipped. Upstream's one statement,
-- SELECT * FROM marts.refresh_all(), still works and returns its three columns; this
-- script reads marts.refresh_all_report(), which tells the mode and the error too.
\set ON_ERROR_STOP on
\set QUIET on
\pset null '-'
\pset footer off

CREATE TEMP TABLE refresh_run AS
SELECT r.ord AS step, r.view_name, r.status, r.refresh_mode, r.duration_ms, r.refreshed_at, r.error
FROM marts.refresh_all_report() WITH ORDINALITY
    AS r (view_name, refreshed_at, duration_ms, status, refresh_mode, error, ord);

\echo 'Mart refresh (dependency order)'
SELECT step, view_name, status, refresh_mode AS mode, duration_ms, refreshed_at, error
FROM refresh_run
ORDER BY step;

-- statuses read 'OK (layer N)', 'ERROR (layer N): <message>' or
-- 'ERROR (layer N): skipped: depends on ...', as upstream's refresh_all() printed them
SELECT count(*) FILTER (WHERE status LIKE 'OK%') AS refreshed,
       count(*) FILTER (WHERE status LIKE 'ERROR%' AND status NOT LIKE 'ERROR (layer %): skipped:%') AS failed,
       count(*) FILTER (WHERE status LIKE 'ERROR (layer %): skipped:%') AS skipped,
       coalesce(sum(duration_ms), 0) AS total_ms
FROM refresh_run;

SELECT bool_or(status NOT LIKE 'OK%') AS has_problems FROM refresh_run \gset
\if :has_problems
    DO $$ BEGIN RAISE EXCEPTION 'some marts failed or were skipped (see the table above)'; END $$;
\endif
