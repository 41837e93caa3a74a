-- Mart refresh bookkeeping: one row per refresh run, one row per mart per run (kept,
-- never overwritten), dependencies the catalog cannot see, and per-mart settings.
-- Every statement is IF NOT EXISTS / OR REPLACE: `cfbops refresh` runs this same file
-- (under the operations lock) on a database the migration engine has not reached yet.

CREATE SCHEMA IF NOT EXISTS ops;

CREATE TABLE IF NOT EXISTS ops.refresh_run (
    run_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at  timestamptz,
    status       text NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted', 'abandoned')),
    selection    text[] NOT NULL DEFAULT '{}',
    stale_only   boolean NOT NULL DEFAULT false,
    workers      integer NOT NULL DEFAULT 1 CHECK (workers >= 1),
    mode         text NOT NULL DEFAULT 'auto' CHECK (mode IN ('auto', 'concurrent', 'plain')),
    wall_ms      double precision,
    client       text
);
COMMENT ON TABLE ops.refresh_run IS
    'One row per cfbops mart refresh run; status running until it ends (abandoned if it died).';

CREATE TABLE IF NOT EXISTS ops.mart_refresh (
    mart         text NOT NULL,
    run_id       bigint NOT NULL REFERENCES ops.refresh_run (run_id) ON DELETE CASCADE,
    status       text NOT NULL CHECK (status IN ('refreshed', 'failed', 'skipped', 'fresh')),
    mode         text CHECK (mode IN ('concurrent', 'plain')),
    started_at   timestamptz,
    duration_ms  double precision,
    analyze_ms   double precision,
    rows         bigint,
    error        text,
    reason       text,
    inputs       jsonb,
    PRIMARY KEY (mart, run_id)
);
COMMENT ON TABLE ops.mart_refresh IS
    'One row per mart per refresh run (schema-qualified mart name). inputs: the change '
    'counters and file nodes of the relations the mart read, taken just before its refresh.';
COMMENT ON COLUMN ops.mart_refresh.duration_ms IS
    'Time of the REFRESH statement; the ANALYZE after it is analyze_ms.';
COMMENT ON COLUMN ops.mart_refresh.inputs IS
    '{"<oid>": [name, inserts+updates+deletes, relfilenode]} per leaf relation read; '
    'a later difference means the mart is stale.';

CREATE TABLE IF NOT EXISTS ops.mart_dependency (
    mart        text NOT NULL,
    depends_on  text NOT NULL,
    note        text,
    PRIMARY KEY (mart, depends_on)
);
COMMENT ON TABLE ops.mart_dependency IS
    'Declared inputs the catalog cannot see (a mart built by a function): schema-qualified '
    'names of a mart and of a table, view or mart it reads.';

CREATE TABLE IF NOT EXISTS ops.mart_setting (
    mart               text PRIMARY KEY,
    statement_timeout  interval CHECK (statement_timeout >= interval '0')
);
COMMENT ON TABLE ops.mart_setting IS
    'Per-mart refresh settings; statement_timeout overrides the run''s (0 = none).';

-- The last refresh of each mart, its rolling median (the ten refreshes before it) and
-- whether it took more than twice that median.
CREATE OR REPLACE VIEW ops.mart_last_refresh AS
WITH refreshed AS (
    SELECT mart, run_id, started_at, duration_ms, rows, mode,
           row_number() OVER (PARTITION BY mart ORDER BY run_id DESC) AS age
    FROM ops.mart_refresh
    WHERE status = 'refreshed'
), medians AS (
    SELECT mart,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS median_ms,
           count(*) AS samples
    FROM refreshed
    WHERE age BETWEEN 2 AND 11
    GROUP BY mart
)
SELECT r.mart, r.run_id, r.started_at, r.duration_ms, r.rows, r.mode,
       m.median_ms, coalesce(m.samples, 0) AS samples,
       coalesce(m.samples >= 3 AND r.duration_ms > 2 * m.median_ms, false) AS regression
FROM refreshed r
LEFT JOIN medians m USING (mart)
WHERE r.age = 1;
COMMENT ON VIEW ops.mart_last_refresh IS
    'Last successful refresh per mart, with the median of the 10 before it; regression when '
    'it took more than twice that median (given at least 3 earlier refreshes).';
