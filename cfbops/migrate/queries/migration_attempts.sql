-- Every history row of one migration, newest first: a versioned file by its version, a
-- repeatable (version null) by its name.
SELECT applied_at, applied_by, duration_ms, success, checksum, kind
FROM ops.schema_history
WHERE (%(version)s::text IS NOT NULL AND version = %(version)s)
   OR (%(version)s::text IS NULL AND version IS NULL AND name = %(name)s)
ORDER BY installed_rank DESC
