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

-- check: duplicate_users
-- severity: error
-- message: {count} user names belong to more than one user (compared without case and extra spaces)
-- action: merge them: SELECT nfl.merge_duplicate_users(); moves their picks to the earliest user and records each merged user in ops.merged_duplicate_users; then restore the unique index users_name_key — see samples
SELECT nfl.normalize_user_name(u.name) AS name_key,
       array_agg(u.id ORDER BY u.id) AS user_ids,
       array_agg(u.name ORDER BY u.id) AS names,
       (SELECT count(*) FROM nfl.picks AS p WHERE p.user_id = ANY (array_agg(u.id))) AS picks
FROM nfl.users AS u
GROUP BY nfl.normalize_user_name(u.name)
HAVING count(*) > 1
ORDER BY 1
