-- How many (game, offense) pairs core.plays holds. The planner multiplies the distinct
-- games by the distinct team names (83,000 pairs at the medium seed, against 8,500 real
-- ones), so marts._game_epa_calc, which sums plays per game and offense, sorted every play
-- to disk where a hash aggregate fits in work_mem: 2.3 s of its refresh against 1.5 s.
-- Multi-column statistics give the real count; ANALYZE gathers them now rather than at
-- autovacuum's next pass. Both take SHARE UPDATE EXCLUSIVE: readers and writers go on.
CREATE STATISTICS IF NOT EXISTS core.plays_game_offense_ndistinct (ndistinct)
    ON game_id, offense FROM core.plays;
ANALYZE core.plays;
