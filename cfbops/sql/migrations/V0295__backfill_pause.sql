-- A paused backfill job: its runners stop claiming items (each finishes the one in hand)
-- and `backfill status` shows it paused until a run of the same range resumes it.
ALTER TABLE ops.backfill_jobs ADD COLUMN paused_at timestamptz;
