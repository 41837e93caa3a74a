-- The few players without a gsis_id are known by season, team and name only.
INSERT INTO nfl.rosters (season, team, player_name, first_name, last_name, position,
                         depth_chart_position, jersey_number, status, gsis_id, espn_id,
                         sleeper_id)
SELECT DISTINCT ON (s.season, s.team, s.player_name)
    s.season, s.team, s.player_name, s.first_name, s.last_name, s.position,
    s.depth_chart_position, s.jersey_number::integer, s.status, s.gsis_id, s.espn_id,
    s.sleeper_id
  FROM sync_rosters AS s
 WHERE s.gsis_id IS NULL AND s.player_name IS NOT NULL AND s.season IS NOT NULL
   AND s.team IS NOT NULL
   AND NOT EXISTS (SELECT FROM nfl.rosters AS r
                    WHERE r.season = s.season AND r.team = s.team
                      AND r.player_name = s.player_name AND r.gsis_id IS NULL)
 ORDER BY s.season, s.team, s.player_name
