-- The picks game (schema nfl): its owner's nightly list.

-- check: picks_without_game
-- severity: error
-- message: {count} picks name a game that is not in nfl.games
-- action: run `cfbops --headless sync nfl` to load the schedule, or delete the picks — see samples
SELECT p.id AS pick_id, p.user_id, p.week_id, p.game_id, p.player_name
FROM nfl.picks AS p
WHERE NOT EXISTS (SELECT FROM nfl.games AS g WHERE g.id = p.game_id)
ORDER BY p.id

-- check: picks_without_user
-- severity: error
-- message: {count} picks belong to a user that is not in nfl.users
-- action: delete the picks (a deleted user's picks go with them) — see samples
SELECT p.id AS pick_id, p.user_id, p.week_id, p.player_name
FROM nfl.picks AS p
WHERE NOT EXISTS (SELECT FROM nfl.users AS u WHERE u.id = p.user_id)
ORDER BY p.id

-- check: picks_without_week
-- severity: error
-- message: {count} picks belong to a week that is not in nfl.weeks
-- action: add the week to nfl.weeks or delete the picks — see samples
SELECT p.id AS pick_id, p.user_id, p.week_id, p.player_name
FROM nfl.picks AS p
WHERE NOT EXISTS (SELECT FROM nfl.weeks AS w WHERE w.id = p.week_id)
ORDER BY p.id

-- check: results_without_pick
-- severity: error
-- message: {count} results grade a pick that is not in nfl.picks
-- action: delete the orphaned results, then run `cfbops --headless grade` — see samples
SELECT r.id AS result_id, r.pick_id, r.is_correct, r.any_time_td
FROM nfl.results AS r
WHERE NOT EXISTS (SELECT FROM nfl.picks AS p WHERE p.id = r.pick_id)
ORDER BY r.id

-- check: unknown_positions
-- severity: warn
-- threshold: 5%
-- total: SELECT count(*) FROM (SELECT DISTINCT player_name, team FROM nfl.picks) AS players
-- message: {count} of {total} picked players ({pct}%) have no position (Unknown or missing); the target is under 5%
-- action: run `cfbops --headless sync nfl` so rosters can fill them, then check the names that still match no roster — see samples
SELECT p.player_name, p.team, count(*) AS picks
FROM nfl.picks AS p
GROUP BY p.player_name, p.team
HAVING bool_and(p.position IS NULL OR btrim(p.position) = '' OR lower(p.position) = 'unknown')
ORDER BY count(*) DESC, p.player_name, p.team

-- check: td_counter_drift
-- severity: error
-- message: {count} players' first-TD or any-time counters differ from their graded results
-- action: recount them: SELECT nfl.recount_player_td_counters(...) for the samples' keys (or re-run `cfbops --headless grade`), then find what bypassed the triggers — see samples
WITH graded AS (
    SELECT p.player_name, w.season, p.team,
           count(DISTINCT p.game_id) FILTER (WHERE r.is_correct) AS first_td_games,
           count(DISTINCT p.game_id) FILTER (WHERE r.is_correct OR r.any_time_td) AS any_time_games
    FROM nfl.picks AS p
    JOIN nfl.weeks AS w ON w.id = p.week_id
    JOIN nfl.results AS r ON r.pick_id = p.id
    GROUP BY p.player_name, w.season, p.team
)
SELECT coalesce(s.player_name, g.player_name) AS player_name,
       coalesce(s.season, g.season) AS season,
       coalesce(s.team, g.team) AS team,
       coalesce(s.first_td_count, 0) AS first_td_count,
       coalesce(g.first_td_games, 0) AS graded_first_td,
       coalesce(s.any_time_td_count, 0) AS any_time_td_count,
       coalesce(g.any_time_games, 0) AS graded_any_time
FROM nfl.player_stats AS s
FULL JOIN graded AS g
  ON g.player_name = s.player_name AND g.season = s.season AND g.team = s.team
WHERE coalesce(s.first_td_count, 0) <> coalesce(g.first_td_games, 0)
   OR coalesce(s.any_time_td_count, 0) <> coalesce(g.any_time_games, 0)
ORDER BY 2, 1, 3
