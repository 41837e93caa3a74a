-- Per season and player: the season sum of marts.athlete_game_epa (cfbops's per-athlete
-- form of upstream's marts.player_season_epa, which has a row per role).
DROP MATERIALIZED VIEW IF EXISTS marts.athlete_season_epa CASCADE;

CREATE MATERIALIZED VIEW marts.athlete_season_epa AS
SELECT
    pg.season,
    pg.athlete_id,
    (array_agg(pg.athlete_name ORDER BY pg.game_id DESC))[1] AS athlete_name,
    (array_agg(pg.team ORDER BY pg.game_id DESC))[1] AS team,
    count(*)::integer AS games,
    sum(pg.plays)::integer AS plays,
    sum(pg.total_epa) AS total_epa,
    sum(pg.total_epa) / nullif(sum(pg.plays), 0) AS epa_per_play,
    sum(pg.successful_plays)::numeric / nullif(sum(pg.plays), 0) AS success_rate,
    sum(pg.pass_plays)::integer AS pass_plays,
    sum(pg.pass_epa) AS pass_epa,
    sum(pg.pass_epa) / nullif(sum(pg.pass_plays), 0) AS pass_epa_per_play,
    sum(pg.rush_plays)::integer AS rush_plays,
    sum(pg.rush_epa) AS rush_epa,
    sum(pg.rush_epa) / nullif(sum(pg.rush_plays), 0) AS rush_epa_per_play,
    sum(pg.targets)::integer AS targets,
    sum(pg.receiving_epa) AS receiving_epa,
    sum(pg.receiving_epa) / nullif(sum(pg.targets), 0) AS receiving_epa_per_target
FROM marts.athlete_game_epa AS pg
GROUP BY pg.season, pg.athlete_id;

CREATE UNIQUE INDEX athlete_season_epa_season_athlete_id_key ON marts.athlete_season_epa (season, athlete_id);

COMMENT ON MATERIALIZED VIEW marts.athlete_season_epa IS
    'Per season and athlete: games, plays, total and per-play EPA, success rate, passing/rushing/receiving EPA (sums of athlete_game_epa).';
