-- Per game with both team ids: each side's expected EPA per play, meeting the other
-- side's defense, from the two teams' season style profiles. Expected pass EPA of the
-- home offense = mean of what it gains passing and what the away defense allows
-- passing (same for rushing); the side's expected EPA blends the two by its pass
-- rate. edge = home expected minus away expected (positive favours the home team).
DROP MATERIALIZED VIEW IF EXISTS marts.matchup_edges CASCADE;

CREATE MATERIALIZED VIEW marts.matchup_edges AS
WITH expected AS (
    SELECT
        g.id AS game_id,
        g.season,
        g.week,
        g.season_type,
        g.completed,
        g.home_id,
        g.home_team,
        g.home_points,
        g.away_id,
        g.away_team,
        g.away_points,
        (hp.pass_epa_per_play + ap.def_pass_epa_per_play) / 2 AS home_pass_expected_epa,
        (hp.rush_epa_per_play + ap.def_rush_epa_per_play) / 2 AS home_rush_expected_epa,
        (ap.pass_epa_per_play + hp.def_pass_epa_per_play) / 2 AS away_pass_expected_epa,
        (ap.rush_epa_per_play + hp.def_rush_epa_per_play) / 2 AS away_rush_expected_epa,
        hp.pass_rate AS home_pass_rate,
        ap.pass_rate AS away_pass_rate
    FROM core.games AS g
    JOIN marts.team_style_profile AS hp ON hp.team_id = g.home_id AND hp.season = g.season
    JOIN marts.team_style_profile AS ap ON ap.team_id = g.away_id AND ap.season = g.season
),
blended AS (
    SELECT
        e.*,
        e.home_pass_rate * e.home_pass_expected_epa + (1 - e.home_pass_rate) * e.home_rush_expected_epa AS home_expected_epa,
        e.away_pass_rate * e.away_pass_expected_epa + (1 - e.away_pass_rate) * e.away_rush_expected_epa AS away_expected_epa
    FROM expected AS e
)
SELECT
    b.game_id,
    b.season,
    b.week,
    b.season_type,
    b.completed,
    b.home_id,
    b.home_team,
    b.away_id,
    b.away_team,
    b.home_points,
    b.away_points,
    b.home_pass_expected_epa,
    b.home_rush_expected_epa,
    b.away_pass_expected_epa,
    b.away_rush_expected_epa,
    b.home_expected_epa,
    b.away_expected_epa,
    b.home_expected_epa - b.away_expected_epa AS edge,
    CASE WHEN b.home_expected_epa > b.away_expected_epa THEN b.home_id
         WHEN b.away_expected_epa > b.home_expected_epa THEN b.away_id END AS edge_team_id,
    CASE WHEN b.home_expected_epa > b.away_expected_epa THEN b.home_team
         WHEN b.away_expected_epa > b.home_expected_epa THEN b.away_team END AS edge_team
FROM blended AS b;

CREATE UNIQUE INDEX matchup_edges_game_id_key ON marts.matchup_edges (game_id);

COMMENT ON MATERIALIZED VIEW marts.matchup_edges IS
    'Per game: expected EPA per play of each offense against the other defense (pass, rush, blended by pass rate) from season style profiles; edge = home minus away, edge_team the favoured side. Scores included for back-testing.';
