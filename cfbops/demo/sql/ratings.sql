-- Team ratings per school name and year, from each program's season strength: SP+ and
-- FPI for FBS since 2005, end-of-season Elo for every program that played. Names shared
-- by several programs carry the rating of the one ref.school_names resolves them to.
INSERT INTO ratings.sp (team, year, conference, rating, ranking, offense_rating,
                        defense_rating, special_teams_rating)
SELECT t.school, ts.season, t.conference,
       round((ts.strength + 2 * pg_temp.z(t.team_id::bigint * 10000 + ts.season, 841))::numeric, 1),
       rank() OVER (PARTITION BY ts.season ORDER BY ts.strength + 2 * pg_temp.z(t.team_id::bigint * 10000 + ts.season, 841) DESC)::integer,
       round((30 + 0.6 * ts.strength + 3 * pg_temp.z(t.team_id::bigint * 10000 + ts.season, 843))::numeric, 1),
       round((25 - 0.4 * ts.strength + 3 * pg_temp.z(t.team_id::bigint * 10000 + ts.season, 847))::numeric, 1),
       round((0.8 * pg_temp.z(t.team_id::bigint * 10000 + ts.season, 853))::numeric, 1)
FROM seed_team_season AS ts
JOIN seed_team AS t ON t.team_id = ts.team_id
WHERE t.classification = 'fbs' AND ts.season >= 2005
ORDER BY ts.season, t.school;

INSERT INTO ratings.fpi (team, year, conference, fpi, fpi_rank)
SELECT t.school, ts.season, t.conference,
       round((0.9 * ts.strength + 2 * pg_temp.z(t.team_id::bigint * 10000 + ts.season, 857))::numeric, 1),
       rank() OVER (PARTITION BY ts.season ORDER BY 0.9 * ts.strength + 2 * pg_temp.z(t.team_id::bigint * 10000 + ts.season, 857) DESC)::integer
FROM seed_team_season AS ts
JOIN seed_team AS t ON t.team_id = ts.team_id
WHERE t.classification = 'fbs' AND ts.season >= 2005
ORDER BY ts.season, t.school;

INSERT INTO ratings.elo (team, year, conference, elo)
SELECT t.school, ts.season, t.conference, round(1500 + 18 * ts.strength)::integer
FROM seed_team_season AS ts
JOIN seed_team AS t ON t.team_id = ts.team_id
JOIN ref.school_names AS sn ON sn.team_id = t.team_id
WHERE ts.season >= 1950
  AND EXISTS (SELECT FROM seed_game AS g
              WHERE g.season = ts.season AND ts.team_id IN (g.home_id, g.away_id))
ORDER BY ts.season, t.school;
