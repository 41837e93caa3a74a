-- Per college (recruits' committed_to) and recruiting year. Upstream's columns first,
-- with its meaning: the class's rank and points (recruiting.team_recruiting), commits,
-- star counts (unrated = no stars or fewer than 2), blue-chip ratio (4-5 stars of all
-- commits), average and top rating, best national ranking, commits by position group and
-- the largest group (ties go to the group first by name). cfbops's own columns follow:
-- high-school recruits, blue chips, average stars, total rating and a class rank by
-- total rating within the year. Ratings are averaged and summed as numeric (exact), so
-- the result does not depend on the order rows are read in.
DROP MATERIALIZED VIEW IF EXISTS marts.recruiting_class CASCADE;

CREATE MATERIALIZED VIEW marts.recruiting_class AS
WITH recruits AS (
    SELECT
        r.committed_to AS team,
        r.year,
        r.recruit_type,
        r.stars,
        r.rating,
        r.ranking,
        CASE
            WHEN r.position = 'QB' THEN 'qb'
            WHEN r.position IN ('RB', 'FB', 'APB') THEN 'rb'
            WHEN r.position IN ('WR', 'TE') THEN 'receiver'
            WHEN r.position IN ('OT', 'OG', 'OC', 'OL') THEN 'oline'
            WHEN r.position IN ('DE', 'DT', 'DL', 'EDGE', 'SDE', 'WDE') THEN 'dline'
            WHEN r.position IN ('ILB', 'OLB', 'LB') THEN 'lb'
            WHEN r.position IN ('CB', 'S', 'DB') THEN 'db'
            WHEN r.position IN ('K', 'P', 'LS') THEN 'specialist'
            ELSE 'ath'
        END AS position_group
    FROM recruiting.recruits AS r
    WHERE r.committed_to IS NOT NULL
),
largest_group AS (
    SELECT DISTINCT ON (team, year) team, year, position_group
    FROM recruits
    GROUP BY team, year, position_group
    ORDER BY team, year, count(*) DESC, position_group
),
classes AS (
    SELECT
        team,
        year,
        count(*) AS total_commits,
        count(*) FILTER (WHERE stars = 5)::integer AS five_stars,
        count(*) FILTER (WHERE stars = 4)::integer AS four_stars,
        count(*) FILTER (WHERE stars = 3)::integer AS three_stars,
        count(*) FILTER (WHERE stars = 2)::integer AS two_stars,
        count(*) FILTER (WHERE stars IS NULL OR stars < 2)::integer AS unrated,
        count(*) FILTER (WHERE stars >= 4)::integer AS blue_chips,
        avg(rating::numeric) AS avg_rating,
        max(rating) AS top_rating,
        min(ranking) AS best_recruit_rank,
        count(*) FILTER (WHERE position_group = 'qb')::integer AS qb_commits,
        count(*) FILTER (WHERE position_group = 'rb')::integer AS rb_commits,
        count(*) FILTER (WHERE position_group = 'receiver')::integer AS receiver_commits,
        count(*) FILTER (WHERE position_group = 'oline')::integer AS oline_commits,
        count(*) FILTER (WHERE position_group = 'dline')::integer AS dline_commits,
        count(*) FILTER (WHERE position_group = 'lb')::integer AS lb_commits,
        count(*) FILTER (WHERE position_group = 'db')::integer AS db_commits,
        count(*) FILTER (WHERE recruit_type = 'HighSchool')::integer AS high_school_recruits,
        avg(stars) AS avg_stars,
        sum(rating::numeric) AS total_rating
    FROM recruits
    GROUP BY team, year
)
SELECT
    c.team,
    c.year,
    tr.rank AS national_rank,
    tr.points AS total_points,
    c.total_commits,
    c.five_stars,
    c.four_stars,
    c.three_stars,
    c.two_stars,
    c.unrated,
    round(c.blue_chips::numeric / c.total_commits, 4) AS blue_chip_ratio,
    round(c.avg_rating, 4) AS avg_rating,
    c.top_rating,
    c.best_recruit_rank,
    c.qb_commits,
    c.rb_commits,
    c.receiver_commits,
    c.oline_commits,
    c.dline_commits,
    c.lb_commits,
    c.db_commits,
    lg.position_group AS top_position_group,
    -- cfbops's columns
    c.high_school_recruits,
    c.blue_chips,
    c.avg_stars,
    c.total_rating,
    rank() OVER (PARTITION BY c.year ORDER BY c.total_rating DESC NULLS LAST)::integer AS class_rank
FROM classes AS c
LEFT JOIN recruiting.team_recruiting AS tr ON tr.team = c.team AND tr.year = c.year
LEFT JOIN largest_group AS lg ON lg.team = c.team AND lg.year = c.year;

CREATE UNIQUE INDEX recruiting_class_team_year_key ON marts.recruiting_class (team, year);

COMMENT ON MATERIALIZED VIEW marts.recruiting_class IS
    'Per college (committed_to) and year: upstream''s class rank and points, commits, star counts, blue-chip ratio, average/top rating, best ranking, commits by position group and the largest group; then cfbops''s high-school recruits, blue chips, average stars, total rating and class rank by total rating within the year.';
