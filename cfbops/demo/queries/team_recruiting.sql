-- Team recruiting classes, summed from the recruits committed to each known school
-- name: points weight the best-rated signees most, rank orders a year's classes.
INSERT INTO recruiting.team_recruiting (year, team, rank, points, _dlt_load_id, _dlt_id)
WITH classes AS (
    SELECT r.committed_to AS team, r.year,
           round(sum(power(r.rating::numeric, 6) * 15), 2) AS points
    FROM recruiting.recruits AS r
    WHERE r.committed_to IN (SELECT school FROM ref.teams)
    GROUP BY r.committed_to, r.year
)
SELECT c.year, c.team,
       rank() OVER (PARTITION BY c.year ORDER BY c.points DESC),
       c.points,
       pg_temp.load_id(c.year::integer),
       pg_temp.dlt_id('team_recruiting', c.year || '/' || c.team)
FROM classes AS c
ORDER BY c.year, c.team;
