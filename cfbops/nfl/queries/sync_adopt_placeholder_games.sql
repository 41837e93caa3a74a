-- A game the picks import made up from a pick's game_id (in today's team codes, e.g.
-- 2019_01_DEN_LV) takes nflverse's id (2019_01_DEN_OAK); picks follow by ON UPDATE CASCADE.
UPDATE nfl.games AS g
   SET id = s.game_id
  FROM sync_games AS s
 WHERE g.season = s.season AND g.week = s.week
   AND g.home_team = s.home_team AND g.away_team = s.away_team
   AND g.id <> s.game_id
   AND NOT EXISTS (SELECT FROM nfl.games AS x WHERE x.id = s.game_id)
