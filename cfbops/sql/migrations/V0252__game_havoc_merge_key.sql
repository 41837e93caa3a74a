-- cfbops: no-transaction
-- The merge key of upstream's game_havoc resource (UPSTREAM B.2), for ON CONFLICT.
DROP INDEX CONCURRENTLY IF EXISTS stats.game_havoc_merge_key;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS game_havoc_merge_key
    ON stats.game_havoc (game_id, team) NULLS NOT DISTINCT;
