-- cfbops: no-transaction
-- The app's graded-results reads (its index results (is_correct)): the latest correct
-- picks. bench/leaderboard.py at 10,000 users x 18 weeks x 5 picks showed a sequential
-- scan of all 900,000 results for 50 rows (~155 ms p50, 205 ms server side); correct
-- results are ~4% of the table, so a partial index in the reads' order serves them
-- without the other 96%. The app's other v12 index, player_stats (position, season),
-- is not added: player_stats holds one row per picked player (500 at that scale), and
-- the position filter's sequential scan takes 0.24 ms server side.
-- Only re-run after a failure, when what this name holds is an INVALID leftover of the
-- failed build: drop it first, or IF NOT EXISTS would keep it.
DROP INDEX CONCURRENTLY IF EXISTS nfl.results_correct_graded_at_idx;
CREATE INDEX CONCURRENTLY IF NOT EXISTS results_correct_graded_at_idx
    ON nfl.results (graded_at DESC, pick_id DESC) WHERE is_correct;
