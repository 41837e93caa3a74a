-- cfbops: no-transaction
-- Each finding logged once per file, row and column. Only re-run after a failure, when
-- what this name holds is an INVALID leftover of the failed build: drop it first, or IF
-- NOT EXISTS would keep it.
DROP INDEX CONCURRENTLY IF EXISTS ops.fast6_import_findings_once_per_column;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS fast6_import_findings_once_per_column
    ON ops.fast6_import_findings
       (file_sha256, kind, source_table, source_id, coalesce(source_column, ''));
