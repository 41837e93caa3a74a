-- V0296's wider status check, validated on its own (a scan of ops.refresh_run under a SHARE
-- UPDATE EXCLUSIVE lock): a NOT VALID constraint left standing is a finding of the
-- not_valid_constraints check.

ALTER TABLE ops.refresh_run VALIDATE CONSTRAINT refresh_run_status_known;
