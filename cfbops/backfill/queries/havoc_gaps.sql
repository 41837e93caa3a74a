-- Havoc coverage per season: two rows (one per team) for each completed game with an FBS
-- team; the seasons that differ, with the games that do.
WITH expected AS (
    SELECT g.id, g.season
    FROM core.games AS g
    WHERE g.completed AND g.season BETWEEN %(first)s AND %(last)s
      AND 'fbs' IN (g.home_classification, g.away_classification)
),
held AS (
    SELECT e.id, e.season, count(h.game_id) AS rows
    FROM expected AS e
    LEFT JOIN stats.game_havoc AS h ON h.game_id = e.id
    GROUP BY e.id, e.season
)
SELECT season, 2 * count(*)::int, sum(rows)::int,
       coalesce(array_agg(id ORDER BY id) FILTER (WHERE rows <> 2), '{}')
FROM held
GROUP BY season
HAVING sum(rows) <> 2 * count(*) OR bool_or(rows <> 2)
ORDER BY season
