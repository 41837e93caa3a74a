-- Per school name and recruiting year: size, star counts, blue-chip ratio, ratings,
-- and a class rank by total rating within the year. Ratings are summed as numeric
-- (exact), so the result does not depend on the order rows are read in.
DROP MATERIALIZED VIEW IF EXISTS marts.recruiting_class CASCADE;

CREATE MATERIALIZED VIEW marts.recruiting_class AS
SELECT
    r.committed_to AS school,
    r.year,
    count(*)::integer AS recruits,
    count(*) FILTER (WHERE r.recruit_type = 'HighSchool')::integer AS high_school_recruits,
    count(*) FILTER (WHERE r.stars = 5)::integer AS five_stars,
    count(*) FILTER (WHERE r.stars = 4)::integer AS four_stars,
    count(*) FILTER (WHERE r.stars = 3)::integer AS three_stars,
    count(*) FILTER (WHERE r.stars >= 4)::integer AS blue_chips,
    count(*) FILTER (WHERE r.stars >= 4)::numeric / count(*) AS blue_chip_ratio,
    avg(r.stars) AS avg_stars,
    avg(r.rating::numeric) AS avg_rating,
    sum(r.rating::numeric) AS total_rating,
    min(r.ranking) AS best_ranking,
    rank() OVER (PARTITION BY r.year ORDER BY sum(r.rating::numeric) DESC NULLS LAST)::integer AS class_rank
FROM recruiting.recruits AS r
WHERE r.committed_to IS NOT NULL
GROUP BY r.committed_to, r.year;

CREATE UNIQUE INDEX recruiting_class_school_year_key ON marts.recruiting_class (school, year);

COMMENT ON MATERIALIZED VIEW marts.recruiting_class IS
    'Per school name (committed_to) and year: recruits, star counts, blue-chip ratio (4-5 stars), average and total rating, class rank by total rating within the year.';
