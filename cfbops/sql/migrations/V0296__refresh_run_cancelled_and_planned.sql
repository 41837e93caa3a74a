-- A refresh stopped on request (the console's cancel key) is recorded 'cancelled', apart from
-- one cut short by a signal or a lost client ('interrupted'). `planned` is how many marts the
-- run set out to refresh, so another console can show its progress as k/N.
-- IF EXISTS / IF NOT EXISTS: `cfbops refresh` runs this file too on a database migrations
-- have not reached.

ALTER TABLE ops.refresh_run ADD COLUMN IF NOT EXISTS planned integer;
COMMENT ON COLUMN ops.refresh_run.planned IS
    'How many marts the run set out to refresh (its k/N while it runs); null before V0296.';

-- A new name for the wider check (the old one, made inline by V0200, goes): NOT VALID, never
-- validated, since every row standing met the narrower check it replaces.
ALTER TABLE ops.refresh_run DROP CONSTRAINT IF EXISTS refresh_run_status_check;
ALTER TABLE ops.refresh_run DROP CONSTRAINT IF EXISTS refresh_run_status_known;
ALTER TABLE ops.refresh_run ADD CONSTRAINT refresh_run_status_known
    CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted', 'abandoned', 'cancelled'))
    NOT VALID;
