-- Games upserted on nflverse's id; status from scores and kickoff (nflverse's
-- gameday/gametime are US Eastern). Rows that did not change are not rewritten.
WITH incoming AS (
    SELECT DISTINCT ON (s.game_id)
           s.game_id AS id, s.season, s.week, coalesce(s.game_type, 'REG') AS game_type,
           s.gameday::date AS game_date, s.home_team, s.away_team,
           s.home_score::integer AS home_score, s.away_score::integer AS away_score,
           CASE WHEN s.home_score IS NOT NULL AND s.away_score IS NOT NULL THEN 'final'
                WHEN s.gameday IS NOT NULL
                 AND (s.gameday || ' ' || coalesce(nullif(s.gametime, ''), '00:00'))::timestamp
                     AT TIME ZONE 'America/New_York' <= %(now)s THEN 'in_progress'
                ELSE 'scheduled' END AS status
      FROM sync_games AS s
     WHERE s.game_id IS NOT NULL
     ORDER BY s.game_id
)
INSERT INTO nfl.games AS g (id, season, week, game_type, game_date, home_team, away_team,
                            home_score, away_score, status)
SELECT id, season, week, game_type, game_date, home_team, away_team,
       home_score, away_score, status
  FROM incoming
ON CONFLICT (id) DO UPDATE
   SET season = excluded.season, week = excluded.week, game_type = excluded.game_type,
       game_date = excluded.game_date, home_team = excluded.home_team,
       away_team = excluded.away_team, home_score = excluded.home_score,
       away_score = excluded.away_score, status = excluded.status
 WHERE (g.season, g.week, g.game_type, g.game_date, g.home_team, g.away_team,
        g.home_score, g.away_score, g.status)
       IS DISTINCT FROM
       (excluded.season, excluded.week, excluded.game_type, excluded.game_date,
        excluded.home_team, excluded.away_team, excluded.home_score, excluded.away_score,
        excluded.status)
RETURNING (xmax = 0) AS inserted
