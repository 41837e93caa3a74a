-- A finding of `import fast6` names the column it is about too: a value the import cannot
-- read, or could read only by decoding it (a numpy BLOB in an INTEGER column). One row may
-- have several, so the once-per-row key of V0110 gives way to one per column (V0117,
-- V0118). Nullable without a default: a catalog change, no table rewrite.
ALTER TABLE ops.fast6_import_findings ADD COLUMN IF NOT EXISTS source_column text;

COMMENT ON COLUMN ops.fast6_import_findings.source_column IS
    'The column of the source row the finding is about (a value decoded or unreadable); '
    'null for a finding about the whole row.';
