-- Coverage: what the warehouse should hold and does not yet.

-- check: play_stats_coverage
-- severity: warn
-- summary: min(season)::text || CASE WHEN max(season) > min(season) THEN '-' || max(season)::text ELSE '' END
-- message: {count} seasons have completed games without play stats (seasons {summary})
-- action: run `cfbops --headless backfill play-stats --seasons {summary}`
SELECT g.season,
       count(*) AS completed_games,
       count(*) FILTER (WHERE EXISTS (SELECT FROM stats.play_stats AS s WHERE s.game_id = g.id))
           AS games_with_play_stats,
       count(*) FILTER (WHERE NOT EXISTS (SELECT FROM stats.play_stats AS s WHERE s.game_id = g.id))
           AS missing
FROM core.games AS g
WHERE g.completed AND g.season >= 2004
  AND EXISTS (SELECT FROM core.plays AS p WHERE p.game_id = g.id)
GROUP BY g.season
HAVING count(*) FILTER (WHERE NOT EXISTS (SELECT FROM stats.play_stats AS s WHERE s.game_id = g.id)) > 0
ORDER BY g.season

-- check: game_havoc_coverage
-- severity: warn
-- summary: min(season)::text || CASE WHEN max(season) > min(season) THEN '-' || max(season)::text ELSE '' END
-- message: {count} seasons hold fewer game_havoc rows than 2 per completed FBS game (seasons {summary})
-- action: run `cfbops --headless backfill havoc --seasons {summary}`
WITH expected AS (
    SELECT g.season, 2 * count(*) AS expected_rows
    FROM core.games AS g
    WHERE g.completed AND g.home_classification = 'fbs' AND g.away_classification = 'fbs'
      AND g.season >= (SELECT min(season) FROM stats.game_havoc)
    GROUP BY g.season
), loaded AS (
    SELECT h.season, count(*) AS havoc_rows FROM stats.game_havoc AS h GROUP BY h.season
)
SELECT e.season, e.expected_rows, coalesce(l.havoc_rows, 0) AS havoc_rows
FROM expected AS e
LEFT JOIN loaded AS l USING (season)
WHERE coalesce(l.havoc_rows, 0) < e.expected_rows
ORDER BY e.season

-- check: completed_games_null_scores
-- severity: warn
-- message: {count} completed games have a null score
-- action: reload those games from CFBD (their scores never arrived); marts and api count only games with both scores — see samples
SELECT g.id AS game_id, g.season, g.week, g.home_team, g.away_team, g.home_points, g.away_points
FROM core.games AS g
WHERE g.completed AND (g.home_points IS NULL OR g.away_points IS NULL)
ORDER BY g.season, g.id

-- check: winner_contradicts_scores
-- severity: error
-- message: {count} games in api.game_detail name a winner that the scores contradict
-- action: run `cfbops --headless refresh --select api.game_detail+` and, if it stays, fix the view — see samples
SELECT d.game_id, d.home_team, d.away_team, d.home_points, d.away_points, d.winner
FROM api.game_detail AS d
WHERE d.winner IS DISTINCT FROM CASE
          WHEN NOT d.completed OR d.home_points IS NULL OR d.away_points IS NULL THEN NULL
          WHEN d.home_points > d.away_points THEN d.home_team
          WHEN d.away_points > d.home_points THEN d.away_team
      END
ORDER BY d.game_id

-- check: season_holes
-- severity: info
-- message: {count} raw tables miss seasons between their first and last
-- action: load the missing seasons (samples name them)
WITH seasons AS (
    SELECT 'core.games' AS table_name, season FROM (SELECT DISTINCT season FROM core.games) AS s
    UNION ALL SELECT 'core.drives', season FROM (SELECT DISTINCT season FROM core.drives) AS s
    UNION ALL SELECT 'core.plays', season FROM (SELECT DISTINCT season FROM core.plays) AS s
    UNION ALL SELECT 'stats.play_stats', season FROM (SELECT DISTINCT season FROM stats.play_stats) AS s
    UNION ALL SELECT 'stats.game_havoc', season FROM (SELECT DISTINCT season FROM stats.game_havoc) AS s
    UNION ALL SELECT 'betting.lines', season FROM (SELECT DISTINCT season FROM betting.lines) AS s
    UNION ALL SELECT 'recruiting.recruits', season FROM (SELECT DISTINCT year AS season FROM recruiting.recruits) AS s
    UNION ALL SELECT 'core.roster', season FROM (SELECT DISTINCT year AS season FROM core.roster) AS s
), spans AS (
    SELECT table_name, min(season) AS first_season, max(season) AS last_season,
           array_agg(season ORDER BY season) AS present
    FROM seasons WHERE season IS NOT NULL
    GROUP BY table_name
)
SELECT s.table_name, s.first_season, s.last_season,
       array(SELECT y FROM generate_series(s.first_season, s.last_season) AS y
             WHERE y <> ALL (s.present) ORDER BY y) AS missing_seasons
FROM spans AS s
WHERE cardinality(s.present) < s.last_season - s.first_season + 1
ORDER BY s.table_name
