-- cfbops: no-transaction
-- One pick per (user, week, player) — step 2 of 3: build the unique index without
-- blocking writers. Only re-run after a failure, when what this name holds is an
-- INVALID leftover of the failed build: drop it first, or IF NOT EXISTS would keep it.
DROP INDEX CONCURRENTLY IF EXISTS nfl.picks_user_week_player_key;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS picks_user_week_player_key
    ON nfl.picks (user_id, week_id, player_name);
