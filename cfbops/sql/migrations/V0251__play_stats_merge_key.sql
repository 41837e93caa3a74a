-- cfbops: no-transaction
-- The merge key upstream's dlt resource uses (UPSTREAM B.1), as a unique index so the
-- backfill can merge with ON CONFLICT. NULLS NOT DISTINCT: a stat with no athlete must
-- not be stored twice by a re-run. Only re-run after a failure, when the name holds an
-- INVALID leftover: drop it first, or IF NOT EXISTS would keep it.
DROP INDEX CONCURRENTLY IF EXISTS stats.play_stats_merge_key;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS play_stats_merge_key
    ON stats.play_stats (game_id, play_id, athlete_id, stat_type) NULLS NOT DISTINCT;
