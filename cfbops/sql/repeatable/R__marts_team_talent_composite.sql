-- Per roster team (school name) and season: the recruiting pedigree of the players on
-- the roster. core.roster.year is the season. Upstream's columns first, with its
-- meaning: roster size, players by their recruit stars (low = 2 stars or fewer, or no
-- recruit record), the blue-chip share of the roster, the mean recruit rating, transfers
-- and a talent score (stars averaged over the roster, a low star counting 2). cfbops's
-- own columns follow. A player is matched to his recruit records through the child table
-- core.roster__recruit_ids or recruits.athlete_id; with several (e.g. high school and
-- JUCO) the best-rated counts, so a player counts once. Ratings are averaged as numeric
-- so the result does not depend on row order.
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
),
teams AS (
    SELECT
        team,
        season,
        count(*) AS roster_size,
        count(*) FILTER (WHERE stars = 5) AS five_stars,
        count(*) FILTER (WHERE stars = 4) AS four_stars,
        count(*) FILTER (WHERE stars = 3) AS three_stars,
        count(*) FILTER (WHERE stars <= 2 OR stars IS NULL) AS low_stars,
        count(stars)::integer AS rated_players,
        count(*) FILTER (WHERE stars >= 4)::integer AS blue_chips,
        avg(stars) AS avg_stars,
        avg(rating) AS avg_rating,
        coalesce(sum(rating), 0) AS talent_points
    FROM player_recruit
    GROUP BY team, season
)
SELECT
    t.team,
    t.season,
    t.roster_size,
    t.five_stars,
    t.four_stars,
    t.three_stars,
    t.low_stars,
    round(t.blue_chips::numeric / t.roster_size, 3) AS blue_chip_ratio,
    round(t.avg_rating, 4) AS avg_recruit_rating,
    NULL::bigint AS transfers_in,
    NULL::numeric AS avg_transfer_stars,
    round((t.five_stars * 5 + t.four_stars * 4 + t.three_stars * 3 + t.low_stars * 2)::numeric
          / t.roster_size, 2) AS talent_score,
    -- cfbops's columns
    t.rated_players,
    t.blue_chips,
    t.blue_chips::numeric / nullif(t.rated_players, 0) AS rated_blue_chip_ratio,
    t.avg_stars,
    t.avg_rating,
    t.talent_points
FROM teams AS t;

CREATE UNIQUE INDEX team_talent_composite_team_season_key ON marts.team_talent_composite (team, season);

COMMENT ON MATERIALIZED VIEW marts.team_talent_composite IS
    'Per roster team (school name) and season: upstream''s roster size, star counts, blue-chip share of the roster, mean recruit rating, transfers (not held here) and talent score; then cfbops''s rated players, blue chips, blue-chip share of the rated players, average stars and rating, talent points (sum of recruit ratings).';
COMMENT ON COLUMN marts.team_talent_composite.transfers_in IS
    'Always null here: upstream counts recruiting.transfer_portal arrivals, a table this warehouse does not load.';
COMMENT ON COLUMN marts.team_talent_composite.avg_transfer_stars IS
    'Always null here: upstream averages recruiting.transfer_portal stars, a table this warehouse does not load.';
COMMENT ON COLUMN marts.team_talent_composite.talent_score IS
    '(5 x five-stars + 4 x four-stars + 3 x three-stars + 2 x the rest) / roster size, 2 places (upstream''s meaning; a player without a recruit record counts 2).';
