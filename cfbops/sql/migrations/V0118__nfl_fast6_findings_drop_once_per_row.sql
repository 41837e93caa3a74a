-- The once-per-row key of V0110 would refuse a row's second column; V0117's index keeps
-- each finding once.
ALTER TABLE ops.fast6_import_findings DROP CONSTRAINT IF EXISTS fast6_import_findings_once;
