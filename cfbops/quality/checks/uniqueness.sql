-- Uniqueness: natural keys that repeat.

-- check: duplicate_school_names
-- severity: warn
-- message: {count} school names are shared by more than one team id
-- action: join on team ids, never on school names (ref.school_names resolves a name to one id) — see samples
SELECT t.school, array_agg(t.id ORDER BY t.id) AS team_ids
FROM ref.teams AS t
WHERE t.school IS NOT NULL
GROUP BY t.school
HAVING count(*) > 1
ORDER BY t.school

-- check: duplicate_picks
-- severity: error
-- message: {count} (user, week, player) keys hold more than one pick
-- action: keep one pick per user, week and player (migration V0105 shows how), then restore the unique constraint picks_user_week_player_key — see samples
SELECT p.user_id, p.week_id, p.player_name, array_agg(p.id ORDER BY p.id) AS pick_ids
FROM nfl.picks AS p
GROUP BY p.user_id, p.week_id, p.player_name
HAVING count(*) > 1
ORDER BY p.user_id, p.week_id, p.player_name
