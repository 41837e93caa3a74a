-- A per-mart work_mem for its refresh. REFRESH … CONCURRENTLY first looks for duplicate
-- rows in the new data by sorting whole rows; on a large mart that sort spills to disk at
-- a small work_mem (marts.play_epa at the small scale: 17 s at 32MB, 10 s at 256MB).
-- Null keeps the server's. Written as PostgreSQL takes it ('256MB'); checked here so a
-- typo fails on INSERT, not at night in the refresh.
ALTER TABLE ops.mart_setting ADD COLUMN IF NOT EXISTS work_mem text;
ALTER TABLE ops.mart_setting ADD CONSTRAINT mart_setting_work_mem_check
    CHECK (work_mem ~ '^[1-9][0-9]*(kB|MB|GB)$') NOT VALID;
COMMENT ON COLUMN ops.mart_setting.work_mem IS
    'work_mem for this mart''s refresh by cfbops (e.g. 256MB); null = the server''s.';
