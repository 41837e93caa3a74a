-- A stopping run's worker sessions still at work are ended (waiting up to a second each for
-- them to go), so none commits a claim after their items are given back.
SELECT pg_terminate_backend(a.pid, 1000)
FROM pg_stat_activity AS a
WHERE a.pid = ANY(%(pids)s) AND a.pid <> pg_backend_pid()
