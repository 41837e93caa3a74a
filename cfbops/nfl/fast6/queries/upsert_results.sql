-- The file's new and changed results, each on its pick found by natural key.
INSERT INTO nfl.results AS r (pick_id, actual_scorer, is_correct, any_time_td, actual_return,
                              graded_at)
SELECT p.id, f.actual_scorer, f.is_correct, f.any_time_td, f.actual_return,
       coalesce(f.graded_at, now())
  FROM unnest(%(name_key)s::text[], %(season)s::integer[], %(week)s::integer[],
              %(player_name)s::text[], %(actual_scorer)s::text[], %(is_correct)s::boolean[],
              %(any_time_td)s::boolean[], %(actual_return)s::numeric[],
              %(graded_at)s::timestamptz[])
       WITH ORDINALITY AS f (name_key, season, week, player_name, actual_scorer, is_correct,
                             any_time_td, actual_return, graded_at, ord)
  JOIN nfl.users AS u ON nfl.normalize_user_name(u.name) = f.name_key
  JOIN nfl.weeks AS w ON w.season = f.season AND w.week = f.week
  JOIN nfl.picks AS p
    ON p.user_id = u.id AND p.week_id = w.id AND p.player_name = f.player_name
 ORDER BY f.ord
ON CONFLICT (pick_id) DO UPDATE
   SET actual_scorer = excluded.actual_scorer, is_correct = excluded.is_correct,
       any_time_td = excluded.any_time_td, actual_return = excluded.actual_return,
       graded_at = excluded.graded_at
 WHERE (r.actual_scorer, r.is_correct, r.any_time_td, r.actual_return, r.graded_at)
       IS DISTINCT FROM (excluded.actual_scorer, excluded.is_correct, excluded.any_time_td,
                         excluded.actual_return, excluded.graded_at)
