-- Per season and player with EPA: production (player_season_epa), roster facts of
-- that season, and recruiting pedigree (best-rated matching recruit record, through
-- core.roster__recruit_ids or recruits.athlete_id). The roster's year is the season.
DROP MATERIALIZED VIEW IF EXISTS scouting.player_mart CASCADE;

CREATE MATERIALIZED VIEW scouting.player_mart AS
SELECT
    pse.season,
    pse.athlete_id,
    coalesce(nullif(concat_ws(' ', ro.first_name, ro.last_name), ''), pse.athlete_name) AS name,
    coalesce(ro.team, pse.team) AS team,
    ro.position,
    ro.jersey,
    ro.height,
    ro.weight,
    ro.home_city,
    ro.home_state,
    pse.games,
    pse.plays,
    pse.total_epa,
    pse.epa_per_play,
    pse.success_rate,
    pse.pass_plays,
    pse.pass_epa_per_play,
    pse.rush_plays,
    pse.rush_epa_per_play,
    pse.targets,
    pse.receiving_epa_per_target,
    rec.id AS recruit_id,
    rec.year AS recruit_year,
    rec.stars AS recruit_stars,
    rec.rating AS recruit_rating,
    rec.ranking AS recruit_ranking,
    rec.position AS recruit_position,
    rec.committed_to AS recruit_committed_to,
    rank() OVER (PARTITION BY pse.season, ro.position ORDER BY pse.total_epa DESC NULLS LAST)::integer AS position_epa_rank
FROM marts.player_season_epa AS pse
-- core.roster's key is (id, team, year): a player who moved mid-season has two rows;
-- the one of the team he produced for wins, then the first by team name.
LEFT JOIN LATERAL (
    SELECT r.*
    FROM core.roster AS r
    WHERE r.id = pse.athlete_id AND r.year = pse.season
    ORDER BY r.team = pse.team DESC, r.team
    LIMIT 1
) AS ro ON true
LEFT JOIN LATERAL (
    SELECT rc.id, rc.year, rc.stars, rc.rating, rc.ranking, rc.position, rc.committed_to
    FROM recruiting.recruits AS rc
    WHERE rc.athlete_id = pse.athlete_id
       OR rc.id IN (SELECT ri.value FROM core.roster__recruit_ids AS ri
                    WHERE ri._dlt_parent_id = ro._dlt_id)
    ORDER BY rc.rating DESC NULLS LAST, rc.id
    LIMIT 1
) AS rec ON true;

CREATE UNIQUE INDEX player_mart_season_athlete_id_key ON scouting.player_mart (season, athlete_id);

COMMENT ON MATERIALIZED VIEW scouting.player_mart IS
    'Per season and athlete with EPA: name, team, position and bio from the roster, season EPA production, best-rated recruit record (stars, rating, ranking), EPA rank within season and position.';
