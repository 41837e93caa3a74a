-- The nfl.player_stats rows of the file's (player_name, season, team) keys.
SELECT s.player_name, s.season, s.team, s.position, s.games_played, s.red_zone_targets,
       s.red_zone_touches, s.last_td_week, s.recent_form, s.updated_at
  FROM unnest(%(player_name)s::text[], %(season)s::integer[], %(team)s::text[])
       AS k (player_name, season, team)
  JOIN nfl.player_stats AS s
    ON s.player_name = k.player_name AND s.season = k.season AND s.team = k.team
