-- The latest migration attempts cfbops ran itself (applied or failed), newest first.
SELECT applied_at, version, name, kind, success, duration_ms
FROM ops.schema_history
WHERE kind IN ('versioned', 'repeatable')
ORDER BY installed_rank DESC
LIMIT %(limit)s
