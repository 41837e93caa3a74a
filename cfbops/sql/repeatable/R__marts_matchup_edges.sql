-- Per completed game since 2014 (upstream's playoff-era back-test set) whose two teams
-- have a style profile that season; team_a is the home team. Upstream's columns first,
-- with its meaning: each side's style, its edges (its offense's EPA by rush/pass minus
-- what the other defense allows), the tempo mismatch, net_edge_a (team_a's edges less
-- team_b's, each weighted by the offense's run/pass rate) and the outcome. cfbops's own
-- figures follow, from the scrimmage side of the profiles: expected pass EPA of the
-- home offense = mean of what it gains passing and what the away defense allows passing
-- (same for rushing), blended by its pass rate; edge = home expected minus away expected.
-- Teams are matched by id (school names repeat).
DROP MATERIALIZED VIEW IF EXISTS marts.matchup_edges CASCADE;

CREATE MATERIALIZED VIEW marts.matchup_edges AS
WITH games AS (
    SELECT
        g.id AS game_id,
        g.season,
        g.week,
        g.season_type,
        g.home_id,
        g.home_team,
        g.home_points,
        g.away_id,
        g.away_team,
        g.away_points,
        a.run_rate AS a_run_rate, a.pass_rate AS a_pass_rate,
        a.offensive_identity AS a_offensive_identity,
        a.epa_rushing AS a_epa_rushing, a.epa_passing AS a_epa_passing,
        a.tempo_category AS a_tempo, a.plays_per_game AS a_plays_per_game,
        a.def_epa_vs_run AS a_def_epa_vs_run, a.def_epa_vs_pass AS a_def_epa_vs_pass,
        b.run_rate AS b_run_rate, b.pass_rate AS b_pass_rate,
        b.offensive_identity AS b_offensive_identity,
        b.epa_rushing AS b_epa_rushing, b.epa_passing AS b_epa_passing,
        b.tempo_category AS b_tempo, b.plays_per_game AS b_plays_per_game,
        b.def_epa_vs_run AS b_def_epa_vs_run, b.def_epa_vs_pass AS b_def_epa_vs_pass,
        (a.pass_epa_per_play + b.def_pass_epa_per_play) / 2 AS home_pass_expected_epa,
        (a.rush_epa_per_play + b.def_rush_epa_per_play) / 2 AS home_rush_expected_epa,
        (b.pass_epa_per_play + a.def_pass_epa_per_play) / 2 AS away_pass_expected_epa,
        (b.rush_epa_per_play + a.def_rush_epa_per_play) / 2 AS away_rush_expected_epa,
        a.off_pass_rate AS home_pass_rate,
        b.off_pass_rate AS away_pass_rate
    FROM core.games AS g
    JOIN marts.team_style_profile AS a ON a.team_id = g.home_id AND a.season = g.season
    JOIN marts.team_style_profile AS b ON b.team_id = g.away_id AND b.season = g.season
    WHERE g.season >= 2014
      AND g.completed
),
blended AS (
    SELECT
        gm.*,
        gm.home_pass_rate * gm.home_pass_expected_epa
            + (1 - gm.home_pass_rate) * gm.home_rush_expected_epa AS home_expected_epa,
        gm.away_pass_rate * gm.away_pass_expected_epa
            + (1 - gm.away_pass_rate) * gm.away_rush_expected_epa AS away_expected_epa
    FROM games AS gm
)
SELECT
    b.season,
    b.game_id,
    b.home_team AS team_a,
    b.away_team AS team_b,
    b.home_points AS team_a_points,
    b.away_points AS team_b_points,
    b.a_run_rate,
    b.a_offensive_identity,
    b.a_epa_rushing,
    b.a_epa_passing,
    b.a_tempo,
    b.b_run_rate,
    b.b_offensive_identity,
    b.b_epa_rushing,
    b.b_epa_passing,
    b.b_tempo,
    (b.a_epa_rushing - b.b_def_epa_vs_run)::numeric(6,4) AS a_rush_edge,
    (b.a_epa_passing - b.b_def_epa_vs_pass)::numeric(6,4) AS a_pass_edge,
    (b.b_epa_rushing - b.a_def_epa_vs_run)::numeric(6,4) AS b_rush_edge,
    (b.b_epa_passing - b.a_def_epa_vs_pass)::numeric(6,4) AS b_pass_edge,
    abs(b.a_plays_per_game - b.b_plays_per_game)::numeric(5,1) AS tempo_mismatch,
    ((b.a_epa_rushing - b.b_def_epa_vs_run) * b.a_run_rate
     + (b.a_epa_passing - b.b_def_epa_vs_pass) * b.a_pass_rate
     - (b.b_epa_rushing - b.a_def_epa_vs_run) * b.b_run_rate
     - (b.b_epa_passing - b.a_def_epa_vs_pass) * b.b_pass_rate)::numeric(6,4) AS net_edge_a,
    CASE
        WHEN b.home_points IS NULL OR b.away_points IS NULL THEN NULL
        WHEN b.home_points > b.away_points THEN 'team_a'
        WHEN b.away_points > b.home_points THEN 'team_b'
        ELSE 'tie'
    END AS actual_winner,
    b.home_points - b.away_points AS actual_margin,
    -- cfbops's columns
    b.week,
    b.season_type,
    b.home_id,
    b.away_id,
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
    'Per completed game since 2014 (team_a = home): upstream''s style edges (offense EPA by rush/pass minus what the other defense allows), tempo mismatch, net_edge_a (positive favours team_a) and outcome; then cfbops''s expected EPA per play of each offense (pass, rush, blended by pass rate), edge = home minus away, edge_team the favoured side.';
COMMENT ON COLUMN marts.matchup_edges.actual_winner IS
    'team_a, team_b or tie (upstream''s meaning); null when a score is missing.';
