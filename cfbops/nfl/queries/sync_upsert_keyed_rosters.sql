-- Roster rows keyed on (season, team, gsis_id), the unique index of V0100; rows that did
-- not change are not rewritten.
INSERT INTO nfl.rosters AS r (season, team, player_name, first_name, last_name, position,
                              depth_chart_position, jersey_number, status, gsis_id, espn_id,
                              sleeper_id)
SELECT DISTINCT ON (s.season, s.team, s.gsis_id)
    s.season, s.team, s.player_name, s.first_name, s.last_name, s.position,
    s.depth_chart_position, s.jersey_number::integer, s.status, s.gsis_id, s.espn_id,
    s.sleeper_id
  FROM sync_rosters AS s
 WHERE s.gsis_id IS NOT NULL AND s.player_name IS NOT NULL AND s.season IS NOT NULL
   AND s.team IS NOT NULL
 ORDER BY s.season, s.team, s.gsis_id
ON CONFLICT (season, team, gsis_id) DO UPDATE SET
    player_name = excluded.player_name, first_name = excluded.first_name,
    last_name = excluded.last_name, position = excluded.position,
    depth_chart_position = excluded.depth_chart_position,
    jersey_number = excluded.jersey_number, status = excluded.status,
    espn_id = excluded.espn_id, sleeper_id = excluded.sleeper_id
 WHERE (r.player_name, r.first_name, r.last_name, r.position, r.depth_chart_position,
        r.jersey_number, r.status, r.espn_id, r.sleeper_id)
       IS DISTINCT FROM
       (excluded.player_name, excluded.first_name, excluded.last_name, excluded.position,
        excluded.depth_chart_position, excluded.jersey_number, excluded.status,
        excluded.espn_id, excluded.sleeper_id)
RETURNING (xmax = 0) AS inserted
