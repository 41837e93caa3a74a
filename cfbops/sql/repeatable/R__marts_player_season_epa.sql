-- Per season, team, player and role, as upstream's: the season sum of
-- marts.player_game_epa (20 plays or more), plays per game and the EPA rank within the
-- season and role. cfbops's per-athlete form is marts.athlete_season_epa.
DROP MATERIALIZED VIEW IF EXISTS marts.player_season_epa CASCADE;

CREATE MATERIALIZED VIEW marts.player_season_epa AS
SELECT
    pg.season,
    pg.team,
    max(pg.player_name) AS player_name,
    pg.play_category,
    count(DISTINCT pg.game_id) AS games,
    sum(pg.plays) AS total_plays,
    sum(pg.total_epa)::numeric(8,2) AS total_epa,
    (sum(pg.total_epa) / nullif(sum(pg.plays), 0))::numeric(6,4) AS epa_per_play,
    (sum(pg.plays * pg.success_rate) / nullif(sum(pg.plays), 0))::numeric(5,3) AS success_rate,
    sum(pg.explosive_plays) AS explosive_plays,
    sum(pg.total_yards) AS total_yards,
    (sum(pg.plays)::numeric / count(DISTINCT pg.game_id))::numeric(5,1) AS plays_per_game,
    rank() OVER (PARTITION BY pg.season, pg.play_category ORDER BY sum(pg.total_epa) DESC) AS epa_rank,
    pg.athlete_id
FROM marts.player_game_epa AS pg
GROUP BY pg.season, pg.team, pg.athlete_id, pg.play_category
HAVING sum(pg.plays) >= 20;

CREATE UNIQUE INDEX player_season_epa_season_team_athlete_category_key
    ON marts.player_season_epa (season, team, athlete_id, play_category);

COMMENT ON MATERIALIZED VIEW marts.player_season_epa IS
    'Per season, team, athlete and role (20 plays or more), upstream''s shape: games, plays, total and per-play EPA, success rate, explosive plays, yards, plays per game, EPA rank within season and role. cfbops''s per-athlete form is marts.athlete_season_epa.';
COMMENT ON COLUMN marts.player_season_epa.athlete_id IS
    'CFBD athlete id (upstream''s HEAD column): the same player key as core.roster.id.';
