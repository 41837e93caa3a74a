-- The file's new and changed weeks, matched on (season, week).
INSERT INTO nfl.weeks AS w (season, week, started_at, ended_at, created_at)
SELECT f.season, f.week, f.started_at, f.ended_at, f.created_at
  FROM unnest(%(season)s::integer[], %(week)s::integer[], %(started_at)s::timestamptz[],
              %(ended_at)s::timestamptz[], %(created_at)s::timestamptz[])
       AS f (season, week, started_at, ended_at, created_at)
 ORDER BY f.season, f.week
ON CONFLICT (season, week) DO UPDATE
   SET started_at = excluded.started_at, ended_at = excluded.ended_at,
       created_at = excluded.created_at
 WHERE (w.started_at, w.ended_at, w.created_at)
       IS DISTINCT FROM (excluded.started_at, excluded.ended_at, excluded.created_at)
