-- Per pair of teams (by id) that have played. Upstream's columns first, with its
-- meaning: the all-time record, first and last meetings, margins (avg_margin is the mean
-- absolute margin; team1_avg_margin is team1's signed), points, the record since 2015
-- (upstream's fixed "last 10 years") and the winner of the latest meeting (null on a
-- tie). cfbops's own columns follow: the ids, the ten most recent results as one JSON
-- array and upstream's api.matchup shape of the results since 2014 (jsonb[]).
-- team1 is the team whose (name, id) sorts first, names being the current school name
-- (ref.teams) or else the name in its latest game, so team1 < team2 by name whenever
-- the names differ. Only completed games with both scores count, so
-- team1_wins + team2_wins + ties = total_games.
DROP MATERIALIZED VIEW IF EXISTS marts.matchup_history CASCADE;

CREATE MATERIALIZED VIEW marts.matchup_history AS
WITH scored AS (
    SELECT g.id AS game_id, g.season, g.week, g.season_type, g.start_date, g.neutral_site,
           g.home_id, g.home_team, g.home_points, g.away_id, g.away_team, g.away_points
    FROM core.games AS g
    WHERE g.completed
      AND g.home_points IS NOT NULL AND g.away_points IS NOT NULL
      AND g.home_id IS NOT NULL AND g.away_id IS NOT NULL
      AND g.home_id <> g.away_id
),
team_names AS (
    SELECT s.team_id, coalesce(t.school, s.latest_name) AS name
    FROM (
        SELECT team_id, (array_agg(team ORDER BY start_date DESC NULLS LAST, game_id DESC))[1] AS latest_name
        FROM (
            SELECT home_id AS team_id, home_team AS team, start_date, game_id FROM scored
            UNION ALL
            SELECT away_id, away_team, start_date, game_id FROM scored
        ) AS sides
        GROUP BY team_id
    ) AS s
    LEFT JOIN ref.teams AS t ON t.id = s.team_id
),
oriented AS (
    SELECT
        sc.*,
        hn.name AS home_name,
        an.name AS away_name,
        (hn.name, sc.home_id) < (an.name, sc.away_id) AS home_is_team1
    FROM scored AS sc
    JOIN team_names AS hn ON hn.team_id = sc.home_id
    JOIN team_names AS an ON an.team_id = sc.away_id
),
pair_games AS (
    SELECT
        game_id, season, week, season_type, start_date, neutral_site, home_is_team1,
        home_team, away_team, home_points, away_points,
        CASE WHEN home_is_team1 THEN home_id ELSE away_id END AS team1_id,
        CASE WHEN home_is_team1 THEN home_name ELSE away_name END AS team1,
        CASE WHEN home_is_team1 THEN away_id ELSE home_id END AS team2_id,
        CASE WHEN home_is_team1 THEN away_name ELSE home_name END AS team2,
        CASE WHEN home_is_team1 THEN home_points ELSE away_points END AS team1_points,
        CASE WHEN home_is_team1 THEN away_points ELSE home_points END AS team2_points
    FROM oriented
),
ranked AS (
    SELECT pg.*,
           row_number() OVER (PARTITION BY team1_id, team2_id
                              ORDER BY start_date DESC NULLS LAST, game_id DESC) AS recency
    FROM pair_games AS pg
)
SELECT
    min(team1)::varchar AS team1,
    min(team2)::varchar AS team2,
    count(*) AS total_games,
    count(*) FILTER (WHERE team1_points > team2_points)::integer AS team1_wins,
    count(*) FILTER (WHERE team2_points > team1_points)::integer AS team2_wins,
    count(*) FILTER (WHERE team1_points = team2_points)::integer AS ties,
    min(season) AS first_meeting_year,
    max(season) AS last_meeting_year,
    min(start_date) AS first_meeting_date,
    max(start_date) AS last_meeting_date,
    round(avg(abs(team1_points - team2_points)), 1) AS avg_margin,
    max(abs(team1_points - team2_points))::integer AS largest_margin,
    round(avg(team1_points - team2_points), 1) AS team1_avg_margin,
    sum(team1_points)::integer AS team1_total_points,
    sum(team2_points)::integer AS team2_total_points,
    count(*) FILTER (WHERE season >= 2015 AND team1_points > team2_points)::integer AS team1_wins_last_10yr,
    count(*) FILTER (WHERE season >= 2015 AND team2_points > team1_points)::integer AS team2_wins_last_10yr,
    count(*) FILTER (WHERE season >= 2015)::integer AS games_last_10yr,
    min(CASE WHEN home_points > away_points THEN home_team
             WHEN away_points > home_points THEN away_team END) FILTER (WHERE recency = 1)::varchar AS last_winner,
    -- cfbops's columns
    team1_id,
    team2_id,
    jsonb_agg(
        jsonb_build_object(
            'game_id', game_id,
            'season', season,
            'week', week,
            'season_type', season_type,
            'start_date', start_date,
            'home_team_id', CASE WHEN neutral_site THEN NULL WHEN home_is_team1 THEN team1_id ELSE team2_id END,
            'team1_points', team1_points,
            'team2_points', team2_points,
            'winner_id', CASE WHEN team1_points > team2_points THEN team1_id
                              WHEN team2_points > team1_points THEN team2_id END,
            'winner', CASE WHEN team1_points > team2_points THEN team1
                           WHEN team2_points > team1_points THEN team2 END
        )
        ORDER BY recency
    ) FILTER (WHERE recency <= 10) AS recent_results,
    -- upstream's api.matchup shape: names as in the game, seasons since 2014 only
    array_agg(
        jsonb_build_object(
            'season', season,
            'winner', CASE WHEN home_points > away_points THEN home_team
                           WHEN away_points > home_points THEN away_team END,
            'home_team', home_team,
            'home_points', home_points,
            'away_points', away_points
        )
        ORDER BY recency
    ) FILTER (WHERE season >= 2014) AS results_since_2014
FROM ranked
GROUP BY team1_id, team2_id;

CREATE UNIQUE INDEX matchup_history_team1_id_team2_id_key ON marts.matchup_history (team1_id, team2_id);

COMMENT ON MATERIALIZED VIEW marts.matchup_history IS
    'Per pair of teams (team1 sorts first by (name, id)): upstream''s record, meetings, margins, points, record since 2015 and last winner; then cfbops''s ids, the 10 most recent results as a JSONB array (newest first; winner null on a tie) and results_since_2014 (jsonb[], upstream''s api.matchup shape).';
COMMENT ON COLUMN marts.matchup_history.team1_wins_last_10yr IS
    'team1''s wins in seasons 2015 and later (upstream''s fixed "last 10 years").';
COMMENT ON COLUMN marts.matchup_history.last_winner IS
    'The winner''s name, as in the game, of the pair''s latest meeting; null on a tie.';
