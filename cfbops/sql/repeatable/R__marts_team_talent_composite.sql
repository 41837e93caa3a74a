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
    -- The two ways a recruit record matches are a UNION, not an OR: with the OR the
    -- planner could use neither index and scanned every recruit for every roster row
    -- (208 s of a 247 s refresh at the small scale); each branch is an index lookup.
    -- UNION keeps a record matched both ways once, as the OR did.
    LEFT JOIN LATERAL (
        SELECT m.stars, m.rating::numeric AS rating
        FROM (
            SELECT rc.* FROM recruiting.recruits AS rc WHERE rc.athlete_id = r.id
            UNION
            SELECT rc.*
            FROM core.roster__recruit_ids AS ri
            JOIN recruiting.recruits AS rc ON rc.id = ri.value
            WHERE ri._dlt_parent_id = r._dlt_id
        ) AS m
        ORDER BY m.rating DESC NULLS LAST, m.stars DESC, m.id
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
