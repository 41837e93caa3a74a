-- Per roster team (school name) and season: recruiting pedigree of the players on the
-- roster. core.roster.year is the season. A player is matched to his recruit records
-- through the child table core.roster__recruit_ids or recruits.athlete_id; with
-- several (e.g. high school and JUCO) the best-rated counts. Ratings are averaged as
-- numeric so the result does not depend on row order.
DROP MATERIALIZED VIEW IF EXISTS marts.team_talent_composite CASCADE;

CREATE MATERIALIZED VIEW marts.team_talent_composite AS
WITH player_recruit AS (
    SELECT
        r.team,
        r.year AS season,
        r.id AS athlete_id,
        best.stars,
        best.rating
    FROM core.roster AS r
    LEFT JOIN LATERAL (
        SELECT rc.stars, rc.rating::numeric AS rating
        FROM recruiting.recruits AS rc
        WHERE rc.athlete_id = r.id
           OR rc.id IN (SELECT ri.value FROM core.roster__recruit_ids AS ri
                        WHERE ri._dlt_parent_id = r._dlt_id)
        ORDER BY rc.rating DESC NULLS LAST, rc.stars DESC, rc.id
        LIMIT 1
    ) AS best ON true
)
SELECT
    team,
    season,
    count(*)::integer AS roster_players,
    count(stars)::integer AS rated_players,
    count(*) FILTER (WHERE stars = 5)::integer AS five_stars,
    count(*) FILTER (WHERE stars = 4)::integer AS four_stars,
    count(*) FILTER (WHERE stars = 3)::integer AS three_stars,
    count(*) FILTER (WHERE stars >= 4)::integer AS blue_chips,
    count(*) FILTER (WHERE stars >= 4)::numeric / nullif(count(stars), 0) AS blue_chip_ratio,
    avg(stars) AS avg_stars,
    avg(rating) AS avg_rating,
    coalesce(sum(rating), 0) AS talent_points
FROM player_recruit
GROUP BY team, season;

CREATE UNIQUE INDEX team_talent_composite_team_season_key ON marts.team_talent_composite (team, season);

COMMENT ON MATERIALIZED VIEW marts.team_talent_composite IS
    'Per roster team (school name) and season: roster size, players with a recruit record, star counts, blue-chip ratio, average stars and rating, talent points (sum of recruit ratings).';
