-- Every pick (and its result) of the file's users, by natural key: the user's name key,
-- the week's season and number, the player.
SELECT nfl.normalize_user_name(u.name) AS name_key, w.season, w.week, p.player_name,
       p.game_id, p.team, p.odds, p.theoretical_return, p.created_at, p.position,
       r.pick_id IS NOT NULL AS graded, r.actual_scorer, r.is_correct, r.any_time_td,
       r.actual_return, r.graded_at
  FROM nfl.picks AS p
  JOIN nfl.users AS u ON u.id = p.user_id
  JOIN nfl.weeks AS w ON w.id = p.week_id
  LEFT JOIN nfl.results AS r ON r.pick_id = p.id
 WHERE nfl.normalize_user_name(u.name) = ANY (%(name_keys)s::text[])
