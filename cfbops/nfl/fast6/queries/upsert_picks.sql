-- The file's new and changed picks, placed by natural key: the user's name key, the
-- week's season and number, the player (picks_user_week_player_key).
INSERT INTO nfl.picks AS p (user_id, week_id, game_id, team, player_name, odds,
                            theoretical_return, created_at)
SELECT u.id, w.id, f.game_id, f.team, f.player_name, f.odds, f.theoretical_return,
       coalesce(f.created_at, now())
  FROM unnest(%(name_key)s::text[], %(season)s::integer[], %(week)s::integer[],
              %(player_name)s::text[], %(game_id)s::text[], %(team)s::text[],
              %(odds)s::numeric[], %(theoretical_return)s::numeric[],
              %(created_at)s::timestamptz[])
       WITH ORDINALITY AS f (name_key, season, week, player_name, game_id, team, odds,
                             theoretical_return, created_at, ord)
  JOIN nfl.users AS u ON nfl.normalize_user_name(u.name) = f.name_key
  JOIN nfl.weeks AS w ON w.season = f.season AND w.week = f.week
 ORDER BY f.ord
ON CONFLICT (user_id, week_id, player_name) DO UPDATE
   SET game_id = excluded.game_id, team = excluded.team, odds = excluded.odds,
       theoretical_return = excluded.theoretical_return, created_at = excluded.created_at
 WHERE (p.game_id, p.team, p.odds, p.theoretical_return, p.created_at)
       IS DISTINCT FROM (excluded.game_id, excluded.team, excluded.odds,
                         excluded.theoretical_return, excluded.created_at)
