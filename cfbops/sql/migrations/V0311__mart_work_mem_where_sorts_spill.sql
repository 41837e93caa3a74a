-- work_mem for the refreshes that spill to disk at the embedded server's 32MB, found with
-- EXPLAIN (ANALYZE, BUFFERS) at the medium scale: marts.defensive_havoc's per-game
-- aggregate wrote 14,300 temp blocks (112 MB) and marts.athlete_game_epa's sort 5,100
-- (41 MB); at 256MB neither writes any. Only cfbops's refresh applies it (one worker
-- connection per mart, so two workers hold at most 512MB). A value already set is kept.
INSERT INTO ops.mart_setting (mart, work_mem)
VALUES ('marts.defensive_havoc', '256MB'), ('marts.athlete_game_epa', '256MB')
ON CONFLICT (mart) DO UPDATE SET work_mem = excluded.work_mem
WHERE ops.mart_setting.work_mem IS NULL;
