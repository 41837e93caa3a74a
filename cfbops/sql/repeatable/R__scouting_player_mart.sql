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
-- A UNION of the two ways a recruit record matches, not an OR: the OR left the planner
-- no index to use, so every recruit was scanned for every player (as in
-- marts.team_talent_composite). UNION keeps a record matched both ways once, as the OR did.
LEFT JOIN LATERAL (
    SELECT m.id, m.year, m.stars, m.rating, m.ranking, m.position, m.committed_to
    FROM (
        SELECT rc.* FROM recruiting.recruits AS rc WHERE rc.athlete_id = pse.athlete_id
        UNION
        SELECT rc.*
        FROM core.roster__recruit_ids AS ri
        JOIN recruiting.recruits AS rc ON rc.id = ri.value
        WHERE ri._dlt_parent_id = ro._dlt_id
    ) AS m
    ORDER BY m.rating DESC NULLS LAST, m.id
    LIMIT 1
) AS rec ON true;

CREATE UNIQUE INDEX player_mart_season_athlete_id_key ON scouting.player_mart (season, athlete_id);

COMMENT ON MATERIALIZED VIEW scouting.player_mart IS
    'Per season and athlete with EPA: name, team, position and bio from the roster, season EPA production, best-rated recruit record (stars, rating, ranking), EPA rank within season and position.';
