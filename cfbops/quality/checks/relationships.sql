-- Relationships (DOMAIN A, and the picks game): rows whose parent is missing. A foreign
-- key holds these out once validated, but rows loaded with triggers off
-- (session_replication_role = replica, as bulk loaders do) or under a NOT VALID
-- constraint still get in.

-- check: orphan_drives
-- severity: error
-- message: {count} drives belong to a game that is not in core.games
-- action: load the missing games (or delete the orphans); until then VALIDATE CONSTRAINT fk_drives_game will fail: {count} orphans — see samples
SELECT d.id AS drive_id, d.game_id, d.season
FROM core.drives AS d
WHERE d.game_id IS NOT NULL
  AND NOT EXISTS (SELECT FROM core.games AS g WHERE g.id = d.game_id)
ORDER BY d.game_id, d.id

-- check: orphan_plays
-- severity: error
-- message: {count} plays belong to a game that is not in core.games
-- action: load the missing games (or delete the orphans); until then VALIDATE CONSTRAINT fk_plays_game will fail: {count} orphans — see samples
SELECT p.id AS play_id, p.game_id, p.season
FROM core.plays AS p
WHERE p.game_id IS NOT NULL
  AND NOT EXISTS (SELECT FROM core.games AS g WHERE g.id = p.game_id)
ORDER BY p.game_id, p.id

-- check: orphan_play_stats
-- severity: error
-- message: {count} play_stats rows belong to a game that is not in core.games
-- action: load the missing games (or delete the orphans); until then VALIDATE CONSTRAINT fk_play_stats_game will fail: {count} orphans — see samples
SELECT s.game_id, s.play_id, s.athlete_id, s.stat_type
FROM stats.play_stats AS s
WHERE s.game_id IS NOT NULL
  AND NOT EXISTS (SELECT FROM core.games AS g WHERE g.id = s.game_id)
ORDER BY s.game_id, s.play_id

-- check: orphan_game_havoc
-- severity: error
-- message: {count} game_havoc rows belong to a game that is not in core.games
-- action: load the missing games (or delete the orphans); until then VALIDATE CONSTRAINT fk_game_havoc_game will fail: {count} orphans — see samples
SELECT h.game_id, h.team, h.season
FROM stats.game_havoc AS h
WHERE h.game_id IS NOT NULL
  AND NOT EXISTS (SELECT FROM core.games AS g WHERE g.id = h.game_id)
ORDER BY h.game_id, h.team

-- check: orphan_lines
-- severity: error
-- message: {count} betting lines belong to a game that is not in core.games
-- action: load the missing games (or delete the orphans); until then VALIDATE CONSTRAINT fk_lines_game will fail: {count} orphans — see samples
SELECT l.game_id, l.provider, l.season
FROM betting.lines AS l
WHERE NOT EXISTS (SELECT FROM core.games AS g WHERE g.id = l.game_id)
ORDER BY l.game_id, l.provider

-- check: orphan_game_team_stats
-- severity: error
-- message: {count} game team stats rows belong to a game that is not in core.games
-- action: load the missing games (or delete the orphans) — see samples
SELECT s.id AS game_id, s._dlt_id
FROM core.game_team_stats AS s
WHERE NOT EXISTS (SELECT FROM core.games AS g WHERE g.id = s.id)
ORDER BY s.id

-- check: recruits_unknown_school
-- severity: warn
-- message: {count} school names that recruits committed to are not a known team name
-- action: add the name to ref.teams (or an alternate name), or correct committed_to — see samples; no foreign key can hold this while school names repeat
SELECT r.committed_to, count(*) AS recruits, min(r.year) AS first_year, max(r.year) AS last_year
FROM recruiting.recruits AS r
WHERE r.committed_to IS NOT NULL AND btrim(r.committed_to) <> ''
  AND NOT EXISTS (SELECT FROM ref.teams AS t WHERE t.school = r.committed_to)
GROUP BY r.committed_to
ORDER BY count(*) DESC, r.committed_to

-- check: immediate_duplicate_foreign_keys
-- severity: error
-- message: {count} immediate (NOT DEFERRABLE) foreign keys duplicate a deferred key on the same columns and parent: a load that deletes and re-inserts parent rows in one transaction (dlt's merge) fails on them
-- action: drop each with the statement in its sample's fix column (the deferred key keeps the same rows out, checked at commit) — see samples
SELECT d.conrelid::regclass::text AS child_table,
       d.conname AS deferred_key,
       i.conname AS immediate_key,
       d.confrelid::regclass::text AS parent_table,
       format('ALTER TABLE %s DROP CONSTRAINT %I', i.conrelid::regclass, i.conname) AS fix
FROM pg_catalog.pg_constraint AS d
JOIN pg_catalog.pg_constraint AS i
    ON i.conrelid = d.conrelid AND i.confrelid = d.confrelid AND i.contype = 'f'
   AND i.conkey = d.conkey AND i.confkey = d.confkey AND NOT i.condeferrable
WHERE d.contype = 'f' AND d.condeferrable AND d.conparentid = 0 AND i.conparentid = 0
ORDER BY 1, 3
