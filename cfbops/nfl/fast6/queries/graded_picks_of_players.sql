-- Graded picks of any user for the players the file counts touchdowns of (player_name,
-- season, team): what the counters of nfl.player_stats are recounted from.
SELECT nfl.normalize_user_name(u.name) AS name_key, w.season, w.week, p.player_name,
       p.team, p.game_id, r.is_correct, r.any_time_td
  FROM unnest(%(player_name)s::text[], %(season)s::integer[], %(team)s::text[])
       AS k (player_name, season, team)
  JOIN nfl.picks AS p ON p.player_name = k.player_name AND p.team = k.team
  JOIN nfl.weeks AS w ON w.id = p.week_id AND w.season = k.season
  JOIN nfl.results AS r ON r.pick_id = p.id
  JOIN nfl.users AS u ON u.id = p.user_id
