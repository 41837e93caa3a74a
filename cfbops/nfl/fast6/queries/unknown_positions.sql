-- How many of the given picks (by natural key) have no position.
SELECT count(*)
  FROM unnest(%(name_key)s::text[], %(season)s::integer[], %(week)s::integer[],
              %(player_name)s::text[])
       AS f (name_key, season, week, player_name)
  JOIN nfl.users AS u ON nfl.normalize_user_name(u.name) = f.name_key
  JOIN nfl.weeks AS w ON w.season = f.season AND w.week = f.week
  JOIN nfl.picks AS p
    ON p.user_id = u.id AND p.week_id = w.id AND p.player_name = f.player_name
 WHERE p.position IS NULL OR btrim(p.position) = '' OR lower(p.position) = 'unknown'
