-- A small hand-made warehouse for checking the marts and API views: 8 teams (two share
-- the name "Albany"), two seasons of games (a tie, a completed game with null scores, a
-- game between the two Albanys, a scheduled game), generated drives/plays/play stats,
-- lines, havoc, box scores, recruits, rosters, ratings, coaches. Deterministic.
SELECT setseed(0.42);

INSERT INTO ref.conferences (id, name, short_name, abbreviation, classification) VALUES
    (1, 'SEC', 'Southeastern', 'SEC', 'fbs'),
    (2, 'Big Ten', 'Big Ten', 'B1G', 'fbs'),
    (3, 'CAA', 'Colonial', 'CAA', 'fcs'),
    (4, 'SoCon', 'Southern', 'SoCon', 'fcs'),
    (5, 'NE-10', 'Northeast-10', 'NE10', 'ii');

INSERT INTO ref.venues (id, name, capacity, grass, dome, city, state) VALUES
    (10, 'Bryant-Denny Stadium', 100077, true, false, 'Tuscaloosa', 'AL'),
    (11, 'Sanford Stadium', 92746, true, false, 'Athens', 'GA');

INSERT INTO ref.teams (id, school, mascot, abbreviation, conference, classification, color, alt_color, logos, venue_id) VALUES
    (1, 'Alabama', 'Crimson Tide', 'ALA', 'SEC', 'fbs', '#9e1b32', '#ffffff', ARRAY['https://a.example/333.png', 'https://a.example/333-dark.png'], 10),
    (2, 'Auburn', 'Tigers', 'AUB', 'SEC', 'fbs', '#03244d', '#f1f2f3', ARRAY['https://a.example/2.png'], NULL),
    (3, 'Georgia', 'Bulldogs', 'UGA', 'SEC', 'fbs', '#ba0c2f', '#000000', ARRAY['https://a.example/61.png'], 11),
    (4, 'Ohio State', 'Buckeyes', 'OSU', 'Big Ten', 'fbs', '#ce1141', '#505056', NULL, NULL),
    (5, 'Michigan', 'Wolverines', 'MICH', 'Big Ten', 'fbs', '#00274c', '#ffcb05', ARRAY['https://a.example/130.png'], NULL),
    (6, 'Albany', 'Great Danes', 'ALBY', 'CAA', 'fcs', '#3d2777', '#ffffff', NULL, NULL),
    (7, 'Albany', 'Golden Rams', 'ASU', 'NE-10', 'ii', '#0000ff', '#ffd700', NULL, NULL),
    (8, 'Furman', 'Paladins', 'FUR', 'SoCon', 'fcs', '#582c83', '#ffffff', NULL, NULL);

INSERT INTO core.games (id, season, week, season_type, start_date, completed, neutral_site, conference_game,
                        venue_id, home_id, home_team, home_conference, home_classification, home_points,
                        away_id, away_team, away_conference, away_classification, away_points) VALUES
    (101, 2023, 1, 'regular', '2023-09-02 18:00Z', true, false, true, 10, 1, 'Alabama', 'SEC', 'fbs', 27, 2, 'Auburn', 'SEC', 'fbs', 24),
    (102, 2023, 2, 'regular', '2023-09-09 18:00Z', true, false, true, 11, 3, 'Georgia', 'SEC', 'fbs', 24, 1, 'Alabama', 'SEC', 'fbs', 27),
    (103, 2023, 3, 'regular', '2023-09-16 18:00Z', true, false, true, NULL, 4, 'Ohio State', 'Big Ten', 'fbs', 24, 5, 'Michigan', 'Big Ten', 'fbs', 30),
    (104, 2023, 1, 'postseason', '2024-01-01 18:00Z', true, true, false, NULL, 5, 'Michigan', 'Big Ten', 'fbs', 27, 1, 'Alabama', 'SEC', 'fbs', 20),
    (105, 2023, 4, 'regular', '2023-09-23 18:00Z', true, false, false, 10, 1, 'Alabama', 'SEC', 'fbs', 56, 6, 'Albany', 'CAA', 'fcs', 7),
    (106, 2023, 4, 'regular', '2023-09-23 18:00Z', true, false, false, NULL, 8, 'Furman', 'SoCon', 'fcs', 21, 6, 'Albany', 'CAA', 'fcs', 21),
    (107, 2023, 5, 'regular', '2023-09-30 18:00Z', true, false, true, 11, 3, 'Georgia', 'SEC', 'fbs', NULL, 2, 'Auburn', 'SEC', 'fbs', NULL),
    (201, 2024, 1, 'regular', '2024-09-07 18:00Z', true, false, true, NULL, 2, 'Auburn', 'SEC', 'fbs', 13, 1, 'Alabama', 'SEC', 'fbs', 28),
    (202, 2024, 2, 'regular', '2024-09-14 18:00Z', true, false, true, 10, 1, 'Alabama', 'SEC', 'fbs', 41, 3, 'Georgia', 'SEC', 'fbs', 34),
    (203, 2024, 3, 'regular', '2024-09-21 18:00Z', true, false, true, NULL, 5, 'Michigan', 'Big Ten', 'fbs', 13, 4, 'Ohio State', 'Big Ten', 'fbs', 10),
    (204, 2024, 4, 'regular', '2024-09-28 18:00Z', true, false, false, NULL, 7, 'Albany', 'NE-10', 'ii', 10, 6, 'Albany', 'CAA', 'fcs', 14),
    (205, 2024, 14, 'regular', '2024-11-30 18:00Z', false, false, false, NULL, 4, 'Ohio State', 'Big Ten', 'fbs', NULL, 8, 'Furman', 'SoCon', 'fcs', NULL);

-- 8 drives per game, alternating offense, 8 plays per drive.
INSERT INTO core.drives (id, game_id, offense, defense, drive_number, scoring, start_period, start_yardline,
                         start_yards_to_goal, end_period, end_yards_to_goal, plays, yards, drive_result,
                         is_home_offense, start_offense_score, end_offense_score)
SELECT
    g.id * 100 + d.n,
    g.id,
    CASE WHEN d.n % 2 = 0 THEN g.home_team ELSE g.away_team END,
    CASE WHEN d.n % 2 = 0 THEN g.away_team ELSE g.home_team END,
    d.n + 1,
    d.n % 3 = 0,
    1 + d.n / 2,
    25, 75,
    1 + d.n / 2,
    CASE WHEN d.n % 3 = 0 THEN 0 WHEN d.n % 3 = 1 THEN 35 ELSE 60 END,
    8,
    CASE WHEN d.n % 3 = 0 THEN 75 WHEN d.n % 3 = 1 THEN 40 ELSE 15 END,
    CASE WHEN d.n % 3 = 0 THEN 'TD' WHEN d.n % 3 = 1 THEN 'FG' ELSE 'PUNT' END,
    d.n % 2 = 0,
    0,
    CASE WHEN d.n % 3 = 0 THEN 7 WHEN d.n % 3 = 1 THEN 3 ELSE 0 END
FROM core.games AS g
CROSS JOIN generate_series(0, 7) AS d (n)
WHERE g.id <> 205;

INSERT INTO core.plays (id, season, game_id, drive_id, drive_number, play_number, offense, defense, home, away,
                        period, clock_minutes, clock_seconds, yards_to_goal, down, distance, yards_gained,
                        play_type, play_text, ppa)
SELECT
    d.id * 100 + k.n,
    g.season,
    g.id,
    d.id,
    d.drive_number,
    k.n + 1,
    d.offense,
    d.defense,
    g.home_team,
    g.away_team,
    d.start_period,
    (880 - 25 * k.n - 10 * (d.drive_number % 2)) / 60,
    (880 - 25 * k.n - 10 * (d.drive_number % 2)) % 60,
    75 - 8 * k.n,
    1 + k.n % 4,
    CASE k.n % 4 WHEN 0 THEN 10 WHEN 1 THEN 6 WHEN 2 THEN 9 ELSE 2 END,
    v.yards,
    v.play_type,
    CASE WHEN v.play_type = 'Pass Incompletion' AND d.id % 2 = 0 THEN 'pass broken up by X' ELSE 'play' END,
    CASE WHEN v.play_type = 'Punt' THEN NULL WHEN v.play_type = 'Interception' THEN -3.2 ELSE round((v.yards * 0.09 - 0.35 + (random() - 0.5) * 0.4)::numeric, 3)::double precision END
FROM core.drives AS d
JOIN core.games AS g ON g.id = d.game_id
CROSS JOIN generate_series(0, 7) AS k (n)
CROSS JOIN LATERAL (
    SELECT
        CASE WHEN k.n = 6 AND d.id % 4 = 1 THEN 'Interception'
             ELSE (ARRAY['Rush', 'Pass Reception', 'Pass Incompletion', 'Rush', 'Sack', 'Pass Reception', 'Rush', 'Punt'])[k.n + 1]
        END AS play_type,
        (ARRAY[4, 12, 0, -2, -7, 25, 6, 0])[k.n + 1] + (d.id % 5)::integer AS yards
) AS v;

-- Player involvement: QB = team id * 100 + 1, RB = + 2, WR = + 3; 2024 only for
-- Michigan/Ohio State (play_stats are backfilled season by season).
INSERT INTO stats.play_stats (game_id, play_id, athlete_id, stat_type, season, team, opponent, athlete_name, stat)
SELECT p.game_id, p.id, t.id * 100 + r.slot, r.stat_type, p.season, p.offense, p.defense,
       p.offense || ' ' || r.label, p.yards_gained
FROM core.plays AS p
JOIN ref.school_names AS sn ON sn.school = p.offense
JOIN ref.teams AS t ON t.id = sn.team_id
CROSS JOIN LATERAL (
    VALUES (1, 'QB', 'Completion', 'Pass Reception'), (3, 'WR', 'Reception', 'Pass Reception'),
           (3, 'WR', 'Target', 'Pass Reception'), (1, 'QB', 'Incompletion', 'Pass Incompletion'),
           (3, 'WR', 'Target', 'Pass Incompletion'), (1, 'QB', 'Sack Taken', 'Sack'),
           (2, 'RB', 'Rush', 'Rush')
) AS r (slot, label, stat_type, play_type)
WHERE r.play_type = p.play_type
  AND (p.season = 2023 OR p.game_id = 203)
  AND p.game_id NOT IN (204);

INSERT INTO stats.game_havoc (game_id, team, season, opponent, defense_total_plays, defense_total_havoc_events, defense_havoc_rate)
VALUES (101, 'Alabama', 2023, 'Auburn', 64, 9, 0.14), (101, 'Auburn', 2023, 'Alabama', 64, 6, 0.094);

INSERT INTO core.game_team_stats (game_id, team, team_id, home_away, points, total_yards)
VALUES (101, 'Alabama', 1, 'home', 27, 402), (101, 'Auburn', 2, 'away', 24, 377);

INSERT INTO betting.lines (game_id, provider, season, spread, over_under, home_moneyline, away_moneyline) VALUES
    (101, 'Bovada', 2023, -13.5, 47.5, -600, 425),
    (101, 'consensus', 2023, -14, 48, -650, 450),
    (202, 'DraftKings', 2024, -2.5, 55.5, -140, 120);

INSERT INTO recruiting.recruits (id, athlete_id, recruit_type, year, ranking, name, school, committed_to, position, stars, rating, city, state_province, country) VALUES
    (9001, 101, 'HighSchool', 2022, 3, 'Alabama QB', 'Hoover HS', 'Alabama', 'QB', 5, 0.9912, 'Hoover', 'AL', 'USA'),
    (9002, 103, 'HighSchool', 2022, 80, 'Alabama WR', 'Mobile HS', 'Alabama', 'WR', 4, 0.9301, 'Mobile', 'AL', 'USA'),
    (9003, 301, 'HighSchool', 2022, 40, 'Georgia QB', 'Athens HS', 'Georgia', 'QB', 4, 0.9500, 'Athens', 'GA', 'USA'),
    (9004, NULL, 'HighSchool', 2024, 900, 'Albany Signee', 'Troy HS', 'Albany', 'OL', 2, 0.7700, 'Troy', 'NY', 'USA'),
    (9005, NULL, 'HighSchool', 2024, 1500, 'Lost Recruit', 'Nowhere HS', 'Nowhere State', 'LB', 3, 0.8400, 'Nowhere', 'KS', 'USA'),
    (9006, 501, 'JUCO', 2023, 12, 'Michigan QB', 'Blinn', 'Michigan', 'QB', 3, 0.8600, 'Brenham', 'TX', 'USA');

INSERT INTO core.roster (id, season, first_name, last_name, team, position, height, weight, year, jersey, recruit_ids)
SELECT t.id * 100 + s.slot, y.season, t.school, s.label, t.school, s.label, 74, 210, 2, s.slot,
       CASE WHEN t.id * 100 + s.slot = 101 THEN ARRAY[9001::bigint] END
FROM ref.teams AS t
CROSS JOIN (VALUES (1, 'QB'), (2, 'RB'), (3, 'WR')) AS s (slot, label)
CROSS JOIN (VALUES (2023), (2024)) AS y (season)
WHERE t.id <> 7;

INSERT INTO recruiting.team_recruiting (team, year, rank, points) VALUES
    ('Alabama', 2023, 1, 325.0), ('Alabama', 2024, 2, 310.5), ('Georgia', 2024, 1, 320.0),
    ('Albany', 2024, 120, 90.0);

INSERT INTO ratings.sp (team, year, conference, rating, ranking) VALUES
    ('Alabama', 2023, 'SEC', 24.1, 4), ('Alabama', 2024, 'SEC', 20.3, 8), ('Albany', 2024, 'CAA', -10.0, 110);
INSERT INTO ratings.elo (team, year, conference, elo) VALUES ('Alabama', 2024, 'SEC', 1850), ('Michigan', 2024, 'Big Ten', 1700);
INSERT INTO ratings.fpi (team, year, conference, fpi, fpi_rank) VALUES ('Alabama', 2024, 'SEC', 18.2, 5);

INSERT INTO ref.coaches (first_name, last_name, team, season, games, wins, losses, ties, postseason_rank) VALUES
    ('Nick', 'Saban', 'Alabama', 2023, 14, 12, 2, 0, 5),
    ('Kalen', 'DeBoer', 'Alabama', 2024, 13, 9, 4, 0, NULL),
    ('Kirby', 'Smart', 'Georgia', 2023, 14, 13, 1, 0, 3),
    ('Kirby', 'Smart', 'Georgia', 2024, 14, 11, 3, 0, 6);

ANALYZE;
