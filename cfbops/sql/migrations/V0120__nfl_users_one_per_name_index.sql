-- cfbops: no-transaction
-- One user per name — step 2 of 2: the unique key `import fast6` matches users on, built
-- without blocking writers. Only re-run after a failure, when what this name holds is an
-- INVALID leftover of the failed build: drop it first, or IF NOT EXISTS would keep it.
DROP INDEX CONCURRENTLY IF EXISTS nfl.users_name_key;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_name_key
    ON nfl.users (nfl.normalize_user_name(name));
