-- Games the database does not hold yet; a game it holds came from nflverse and wins.
INSERT INTO nfl.games (id, season, week, game_type, game_date, home_team, away_team,
                       home_score, away_score, status)
SELECT f.id, f.season, f.week, f.game_type, f.game_date, f.home_team, f.away_team,
       f.home_score, f.away_score, f.status
  FROM unnest(%(id)s::text[], %(season)s::integer[], %(week)s::integer[],
              %(game_type)s::text[], %(game_date)s::date[], %(home_team)s::text[],
              %(away_team)s::text[], %(home_score)s::integer[], %(away_score)s::integer[],
              %(status)s::text[])
       AS f (id, season, week, game_type, game_date, home_team, away_team, home_score,
             away_score, status)
 ORDER BY f.id
ON CONFLICT (id) DO NOTHING
