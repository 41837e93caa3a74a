-- Team ratings per school name and year (= season), from each program's season
-- strength: SP+, FPI and SRS for FBS since 2005, end-of-season Elo for every program
-- that played. Names shared by several programs carry the rating of the one
-- ref.school_names resolves them to.
INSERT INTO ratings.sp_ratings (year, team, conference, rating, ranking, offense__ranking,
                                offense__rating, defense__ranking, defense__rating,
                                special_teams__rating, _dlt_load_id, _dlt_id)
WITH rated AS (
    SELECT t.school, ts.season, t.conference,
           round((ts.strength + 2 * pg_temp.z(t.team_id::bigint * 10000 + ts.season, 841))::numeric, 1) AS rating,
           round((30 + 0.6 * ts.strength + 3 * pg_temp.z(t.team_id::bigint * 10000 + ts.season, 843))::numeric, 1) AS offense,
           round((25 - 0.4 * ts.strength + 3 * pg_temp.z(t.team_id::bigint * 10000 + ts.season, 847))::numeric, 1) AS defense,
           round((0.8 * pg_temp.z(t.team_id::bigint * 10000 + ts.season, 853))::numeric, 1) AS special_teams
    FROM seed_team_season AS ts
    JOIN seed_team AS t ON t.team_id = ts.team_id
    WHERE t.classification = 'fbs' AND ts.season >= 2005
)
SELECT r.season, r.school, r.conference, r.rating,
       rank() OVER (PARTITION BY r.season ORDER BY r.rating DESC, r.school),
       rank() OVER (PARTITION BY r.season ORDER BY r.offense DESC, r.school),
       r.offense,
       -- a defense allows points: lower is better
       rank() OVER (PARTITION BY r.season ORDER BY r.defense ASC, r.school),
       r.defense,
       r.special_teams,
       pg_temp.load_id(r.season),
       pg_temp.dlt_id('sp_ratings', r.season || '/' || r.school)
FROM rated AS r
ORDER BY r.season, r.school;

INSERT INTO ratings.fpi_ratings (year, team, conference, fpi, resume_ranks__fpi, _dlt_load_id, _dlt_id)
SELECT ts.season, t.school, t.conference,
       round((0.9 * ts.strength + 2 * pg_temp.z(t.team_id::bigint * 10000 + ts.season, 857))::numeric, 1),
       rank() OVER (PARTITION BY ts.season ORDER BY 0.9 * ts.strength + 2 * pg_temp.z(t.team_id::bigint * 10000 + ts.season, 857) DESC),
       pg_temp.load_id(ts.season),
       pg_temp.dlt_id('fpi_ratings', ts.season || '/' || t.school)
FROM seed_team_season AS ts
JOIN seed_team AS t ON t.team_id = ts.team_id
WHERE t.classification = 'fbs' AND ts.season >= 2005
ORDER BY ts.season, t.school;

INSERT INTO ratings.srs_ratings (year, team, conference, ranking, rating, _dlt_load_id, _dlt_id, division)
SELECT ts.season, t.school, t.conference,
       rank() OVER (PARTITION BY ts.season ORDER BY ts.strength DESC, t.school),
       round((0.8 * ts.strength)::numeric, 1),
       pg_temp.load_id(ts.season),
       pg_temp.dlt_id('srs_ratings', ts.season || '/' || t.school),
       t.classification
FROM seed_team_season AS ts
JOIN seed_team AS t ON t.team_id = ts.team_id
WHERE t.classification = 'fbs' AND ts.season >= 2005
ORDER BY ts.season, t.school;

INSERT INTO ratings.elo_ratings (year, team, conference, elo, _dlt_load_id, _dlt_id)
SELECT ts.season, t.school, t.conference, round(1500 + 18 * ts.strength),
       pg_temp.load_id(ts.season),
       pg_temp.dlt_id('elo_ratings', ts.season || '/' || t.school)
FROM seed_team_season AS ts
JOIN seed_team AS t ON t.team_id = ts.team_id
JOIN ref.school_names AS sn ON sn.team_id = t.team_id
WHERE ts.season >= 1950
  AND EXISTS (SELECT FROM seed_game AS g
              WHERE g.season = ts.season AND ts.team_id IN (g.home_id, g.away_id))
ORDER BY ts.season, t.school;
