-- Database health: what the catalog and the statistics collector say.

-- check: not_valid_constraints
-- severity: warn
-- summary: string_agg(format('ALTER TABLE %s VALIDATE CONSTRAINT %I', table_name, constraint_name), '; ' ORDER BY table_name, constraint_name)
-- message: {count} constraints were added NOT VALID and never validated: rows loaded before them were never checked
-- action: {summary} (it takes a SHARE UPDATE EXCLUSIVE lock: writers go on; orphans make it fail, see the orphan_* checks)
SELECT c.conrelid::regclass::text AS table_name, c.conname AS constraint_name,
       CASE c.contype WHEN 'f' THEN 'foreign key' WHEN 'c' THEN 'check' ELSE c.contype::text END
           AS kind
FROM pg_catalog.pg_constraint AS c
JOIN pg_catalog.pg_class AS t ON t.oid = c.conrelid
JOIN pg_catalog.pg_namespace AS n ON n.oid = t.relnamespace
WHERE NOT c.convalidated
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
ORDER BY 1, 2

-- check: invalid_indexes
-- severity: error
-- summary: string_agg(format('REINDEX INDEX CONCURRENTLY %s', index_name), '; ' ORDER BY index_name)
-- message: {count} indexes are invalid (a failed CREATE INDEX CONCURRENTLY): the planner ignores them, unique ones still cost writes
-- action: {summary} (or DROP INDEX CONCURRENTLY and create it again)
SELECT i.indexrelid::regclass::text AS index_name, i.indrelid::regclass::text AS table_name
FROM pg_catalog.pg_index AS i
WHERE NOT i.indisvalid
ORDER BY 1

-- check: stale_statistics
-- severity: warn
-- summary: string_agg(table_name, ', ' ORDER BY table_name)
-- message: {count} tables hold data but their planner statistics were never gathered, say they are empty, or are stale (over 20% of rows changed since): the planner misjudges them
-- action: run ANALYZE on them: {summary}
-- The file size is the ground truth (a copied or freshly loaded table has no collector
-- counts yet); reltuples is what the planner believes (-1: never analyzed).
SELECT n.nspname || '.' || c.relname AS table_name,
       pg_catalog.pg_relation_size(c.oid) AS bytes,
       c.reltuples::bigint AS planner_rows,
       s.n_mod_since_analyze AS changed_since_analyze,
       greatest(s.last_analyze, s.last_autoanalyze) AS last_analyzed
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_stat_user_tables AS s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'm')
  AND n.nspname NOT IN ('ops', 'pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg\_%'
  AND pg_catalog.pg_relation_size(c.oid) > 0
  AND (c.reltuples <= 0 OR coalesce(s.n_mod_since_analyze, 0) > 0.2 * c.reltuples)
ORDER BY 1

-- check: data_freshness
-- severity: info
-- message: {count} raw tables have had no load for over 30 days
-- action: check the loader's schedule for them (samples give each table's last load)
WITH loads AS (
    SELECT 'core.games' AS table_name, max(_dlt_load_id) AS last_load FROM core.games
    UNION ALL SELECT 'core.drives', max(_dlt_load_id) FROM core.drives
    UNION ALL SELECT 'stats.play_stats', max(_dlt_load_id) FROM stats.play_stats
    UNION ALL SELECT 'stats.game_havoc', max(_dlt_load_id) FROM stats.game_havoc
    UNION ALL SELECT 'betting.lines', max(_dlt_load_id) FROM betting.lines
    UNION ALL SELECT 'recruiting.recruits', max(_dlt_load_id) FROM recruiting.recruits
    UNION ALL SELECT 'core.roster', max(_dlt_load_id) FROM core.roster
), stamped AS (
    -- dlt load ids are Unix timestamps ("1717171717.123456"); anything else is not dated.
    SELECT table_name,
           CASE WHEN last_load ~ '^[0-9]+(\.[0-9]+)?$' THEN to_timestamp(last_load::numeric) END
               AS last_loaded_at
    FROM loads WHERE last_load IS NOT NULL
)
SELECT table_name, last_loaded_at
FROM stamped
WHERE last_loaded_at < now() - interval '30 days'
ORDER BY last_loaded_at
