-- Team recruiting classes, summed from the recruits committed to each known school
-- name: points weight the best-rated signees most, rank orders a year's classes.
INSERT INTO recruiting.team_recruiting (team, year, rank, points)
WITH classes AS (
    SELECT r.committed_to AS team, r.year,
           round(sum(power(r.rating, 6) * 15), 2) AS points
    FROM recruiting.recruits AS r
    WHERE r.committed_to IN (SELECT school FROM ref.teams)
    GROUP BY r.committed_to, r.year
)
SELECT c.team, c.year,
       rank() OVER (PARTITION BY c.year ORDER BY c.points DESC)::integer,
       c.points
FROM classes AS c
ORDER BY c.year, c.team;
