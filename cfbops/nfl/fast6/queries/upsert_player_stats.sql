-- The file's new and changed player_stats rows; the touchdown counters are the
-- database's own (recounted by nfl.recount_player_td_counters), never the file's.
INSERT INTO nfl.player_stats AS s (player_name, season, team, position, games_played,
                                   red_zone_targets, red_zone_touches, last_td_week,
                                   recent_form, updated_at)
SELECT f.player_name, f.season, f.team, f.position, f.games_played, f.red_zone_targets,
       f.red_zone_touches, f.last_td_week, f.recent_form, f.updated_at
  FROM unnest(%(player_name)s::text[], %(season)s::integer[], %(team)s::text[],
              %(position)s::text[], %(games_played)s::integer[],
              %(red_zone_targets)s::integer[], %(red_zone_touches)s::integer[],
              %(last_td_week)s::integer[], %(recent_form)s::text[],
              %(updated_at)s::timestamptz[])
       AS f (player_name, season, team, position, games_played, red_zone_targets,
             red_zone_touches, last_td_week, recent_form, updated_at)
 ORDER BY f.player_name, f.season, f.team
ON CONFLICT (player_name, season, team) DO UPDATE
   SET position = excluded.position, games_played = excluded.games_played,
       red_zone_targets = excluded.red_zone_targets,
       red_zone_touches = excluded.red_zone_touches, last_td_week = excluded.last_td_week,
       recent_form = excluded.recent_form, updated_at = excluded.updated_at
 WHERE (s.position, s.games_played, s.red_zone_targets, s.red_zone_touches, s.last_td_week,
        s.recent_form, s.updated_at)
       IS DISTINCT FROM (excluded.position, excluded.games_played, excluded.red_zone_targets,
                         excluded.red_zone_touches, excluded.last_td_week,
                         excluded.recent_form, excluded.updated_at)
