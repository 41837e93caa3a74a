-- The backend that runs a refresh and holds the operations lock for it: a 'running' run
-- whose backend no longer holds that lock has died, and is shown (and marked) abandoned.
-- IF NOT EXISTS: `cfbops refresh` runs this file too on a database migrations have not reached.

ALTER TABLE ops.refresh_run ADD COLUMN IF NOT EXISTS pid integer;
COMMENT ON COLUMN ops.refresh_run.pid IS
    'Backend pid of the run''s main session, which holds the cfbops.operations advisory lock.';
