-- One snapshot of prices, each matched to its game: a market names a day and two teams,
-- the game with those teams (either side home) within a day of it, since sources date
-- games in UTC or US time. The player's team is the one of the game's two rosters that
-- has the name, when exactly one has it.
INSERT INTO nfl.market_odds (source, market_type, game_id, season, week, player_name, team,
                             implied_probability, american_odds, raw_price, volume,
                             market_id, snapshot_time)
SELECT m.source, m.market_type, m.game_id, m.season, m.week, m.player_name,
       (SELECT min(r.team) FROM nfl.rosters AS r
         WHERE r.season = m.season AND r.team IN (m.home_team, m.away_team)
           AND nfl.normalize_player_name(r.player_name) = nfl.normalize_player_name(m.player_name)
        HAVING count(DISTINCT r.team) = 1),
       m.probability, m.american_odds, m.raw_price, m.volume, m.market_id, %(snapshot)s
  FROM (SELECT DISTINCT ON (s.source, g.id, s.player_name, s.market_type)
               s.*, g.id AS game_id, g.season, g.week, g.home_team, g.away_team
          FROM market_quotes AS s
          JOIN nfl.games AS g
            ON ((g.home_team = s.team_a AND g.away_team = s.team_b)
                OR (g.home_team = s.team_b AND g.away_team = s.team_a))
           AND g.game_date BETWEEN s.day - 1 AND s.day + 1
         ORDER BY s.source, g.id, s.player_name, s.market_type, s.market_id) AS m
ON CONFLICT (source, game_id, player_name, market_type, snapshot_time) DO NOTHING
RETURNING source
