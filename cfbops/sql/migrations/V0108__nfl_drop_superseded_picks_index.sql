-- cfbops: no-transaction
-- picks_user_week_idx (user_id, week_id) is a prefix of the unique index of V0106.
DROP INDEX CONCURRENTLY IF EXISTS nfl.picks_user_week_idx;
