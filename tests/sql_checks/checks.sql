-- Checks of the consumer facts (DOMAIN §A) and of refresh_all() on the fixture.
-- Run after the migrations, the repeatables and fixture.sql:
--   psql "$URI" -v ON_ERROR_STOP=1 -f tests/sql_checks/checks.sql
-- Each block raises (and psql stops) on the first fact that does not hold.
\set QUIET on

-- refresh_all lists every mart once, each after everything it reads.
CREATE TEMP TABLE refresh_run AS
SELECT r.* FROM marts.refresh_all() WITH ORDINALITY AS r (view_name, refreshed_at, duration_ms, status, refresh_mode, error, ord);

DO $$
DECLARE
    bad text;
BEGIN
    ASSERT (SELECT count(*) FROM refresh_run) = 19, 'refresh_all must report 19 marts';
    ASSERT (SELECT count(*) FROM refresh_run) =
           (SELECT count(*) FROM pg_matviews WHERE schemaname IN ('marts', 'scouting')),
           'refresh_all must cover every materialized view of marts and scouting';
    ASSERT NOT EXISTS (SELECT 1 FROM refresh_run WHERE status <> 'refreshed'),
           'every mart refreshes on the fixture';
    ASSERT NOT EXISTS (SELECT 1 FROM refresh_run WHERE refresh_mode <> 'concurrent'),
           'populated marts with a plain unique index refresh concurrently';
    SELECT string_agg(p.view_name || ' before ' || dep, ', ') INTO bad
    FROM marts.refresh_plan AS p
    CROSS JOIN LATERAL unnest(p.depends_on) AS dep
    JOIN refresh_run AS me ON me.view_name = p.view_name
    JOIN refresh_run AS up ON up.view_name = dep
    WHERE up.ord > me.ord;
    ASSERT bad IS NULL, 'refresh order violates dependencies: ' || bad;
    ASSERT (SELECT depends_on FROM marts.refresh_plan WHERE view_name = 'scouting.player_mart')
           = ARRAY['marts.player_season_epa'], 'player_mart reads player_season_epa';
    ASSERT (SELECT depends_on FROM marts.refresh_plan WHERE view_name = 'marts.team_season_trajectory')
           = ARRAY['marts.team_epa_season', 'marts.team_season_summary'], 'trajectory reads two marts';
    RAISE NOTICE 'ok: refresh_all covers 19 marts in dependency order';
END
$$;

-- A mart read through a plain view still orders after it.
BEGIN;
CREATE VIEW marts.tmp_passthrough AS SELECT * FROM marts.team_epa_season;
CREATE MATERIALIZED VIEW marts.tmp_through_view AS SELECT team_id, season FROM marts.tmp_passthrough;
DO $$
BEGIN
    ASSERT (SELECT depends_on FROM marts.refresh_plan WHERE view_name = 'marts.tmp_through_view')
           = ARRAY['marts.team_epa_season'], 'dependency through a plain view is found';
    ASSERT (SELECT is_populated AND NOT has_concurrent_key FROM marts.refresh_plan
            WHERE view_name = 'marts.tmp_through_view'), 'no unique index: not concurrent';
    ASSERT (SELECT refresh_mode FROM marts.refresh_all() WHERE view_name = 'marts.tmp_through_view')
           = 'plain', 'a mart without a unique index refreshes plainly';
    RAISE NOTICE 'ok: dependencies through plain views; plain refresh without a unique index';
END
$$;
ROLLBACK;

-- One failing mart: the others refresh, exactly its dependents are skipped. The mart is
-- made to fail by giving it an owner that may not read its input (REFRESH runs the
-- query as the owner).
BEGIN;
CREATE ROLE cfbops_check_no_access NOLOGIN;
ALTER MATERIALIZED VIEW marts.team_epa_season OWNER TO cfbops_check_no_access;
CREATE TEMP TABLE failing_run AS SELECT * FROM marts.refresh_all();
DO $$
BEGIN
    ASSERT (SELECT array_agg(view_name ORDER BY view_name) FROM failing_run WHERE status = 'failed')
           = ARRAY['marts.team_epa_season'], 'only team_epa_season fails';
    ASSERT (SELECT error FROM failing_run WHERE status = 'failed') LIKE '42501:%', 'error is reported';
    ASSERT (SELECT array_agg(view_name ORDER BY view_name) FROM failing_run WHERE status = 'skipped')
           = ARRAY['marts.conference_era_summary', 'marts.team_season_trajectory', 'marts.team_tempo_metrics'],
           'exactly the dependents of team_epa_season are skipped';
    ASSERT (SELECT count(*) FROM failing_run WHERE status = 'refreshed') = 15, 'the other 15 refresh';
    ASSERT NOT EXISTS (SELECT 1 FROM failing_run WHERE status <> 'refreshed' AND refreshed_at IS NOT NULL),
           'refreshed_at only for refreshed marts';
    RAISE NOTICE 'ok: a failing layer-2 mart skips exactly its 3 dependents';
END
$$;
ROLLBACK;

-- A broken helper function fails every mart calling it; dependents skipped transitively.
BEGIN;
CREATE OR REPLACE FUNCTION marts.is_passing_down(down integer, distance integer)
RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'broken on purpose'; END $$;
CREATE TEMP TABLE broken_fn_run AS SELECT * FROM marts.refresh_all();
DO $$
BEGIN
    ASSERT (SELECT array_agg(view_name ORDER BY view_name) FROM broken_fn_run WHERE status = 'failed')
           = ARRAY['marts.play_epa', 'marts.situational_splits'], 'the two callers fail';
    ASSERT (SELECT array_agg(view_name ORDER BY view_name) FROM broken_fn_run WHERE status = 'skipped')
           = ARRAY['marts.matchup_edges', 'marts.player_game_epa', 'marts.player_season_epa',
                   'marts.team_style_profile', 'scouting.player_mart'],
           'everything downstream of play_epa is skipped, transitively';
    ASSERT (SELECT count(*) FROM broken_fn_run WHERE status = 'refreshed') = 12, 'the other 12 refresh';
    RAISE NOTICE 'ok: a broken function fails its callers and skips their dependents transitively';
END
$$;
ROLLBACK;

-- Consumer facts of the api views.
DO $$
BEGIN
    ASSERT NOT EXISTS (SELECT 1 FROM api.team_detail WHERE classification IS DISTINCT FROM 'fbs'),
           'team_detail holds only fbs';
    ASSERT (SELECT count(*) FROM api.team_detail WHERE school = 'Alabama') = 1, 'Alabama has exactly one row';
    ASSERT (SELECT count(*) FROM api.team_detail) = (SELECT count(DISTINCT team_id) FROM api.team_detail)
       AND (SELECT count(*) FROM api.team_detail) = (SELECT count(DISTINCT school) FROM api.team_detail),
           'one row per team and per school';
    ASSERT (SELECT count(*) FROM api.team_detail) = 5, 'the five fbs teams of the fixture';
    ASSERT (SELECT season FROM api.team_detail WHERE school = 'Alabama') = 2024, 'latest season';
    RAISE NOTICE 'ok: team_detail';

    ASSERT (SELECT count(*) FROM api.game_detail) = (SELECT count(*) FROM core.games), 'one row per game';
    ASSERT NOT EXISTS (
        SELECT 1 FROM api.game_detail
        WHERE winner_id IS DISTINCT FROM CASE
                  WHEN completed AND home_points > away_points THEN home_id
                  WHEN completed AND away_points > home_points THEN away_id END
           OR winner IS DISTINCT FROM CASE
                  WHEN completed AND home_points > away_points THEN home_team
                  WHEN completed AND away_points > home_points THEN away_team END
           OR coalesce(result = 'tie', false) <> coalesce(completed AND home_points = away_points, false)
    ), 'winner agrees with the scores';
    ASSERT (SELECT result IS NULL AND winner IS NULL FROM api.game_detail WHERE game_id = 107),
           'completed game with null scores has no winner';
    ASSERT (SELECT result FROM api.game_detail WHERE game_id = 106) = 'tie', 'tie';
    ASSERT (SELECT line_provider FROM api.game_detail WHERE game_id = 101) = 'consensus', 'consensus preferred';
    ASSERT (SELECT line_provider FROM api.game_detail WHERE game_id = 202) = 'DraftKings', 'else any line';
    ASSERT (SELECT home_epa_per_play IS NOT NULL AND away_epa_per_play IS NOT NULL
            FROM api.game_detail WHERE game_id = 101), 'EPA per side';
    RAISE NOTICE 'ok: game_detail';

    ASSERT NOT EXISTS (SELECT 1 FROM api.matchup WHERE NOT ((team1, team1_id) < (team2, team2_id))),
           'team1 sorts before team2 (by name, then id)';
    ASSERT NOT EXISTS (SELECT 1 FROM api.matchup WHERE team1 > team2), 'team1 <= team2 by name';
    ASSERT NOT EXISTS (SELECT 1 FROM api.matchup WHERE team1 = team2 AND team1 <> 'Albany'),
           'names tie only for the shared name';
    ASSERT NOT EXISTS (SELECT 1 FROM api.matchup WHERE team1_wins + team2_wins + ties <> total_games),
           'wins + ties = total games';
    ASSERT NOT EXISTS (SELECT 1 FROM api.matchup
                       WHERE jsonb_typeof(recent_results) <> 'array'
                          OR jsonb_array_length(recent_results) <> least(total_games, 10)),
           'recent results is a JSONB array of the last games';
    ASSERT (SELECT total_games FROM api.matchup WHERE team1 = 'Alabama' AND team2 = 'Auburn') = 2,
           'Iron Bowl twice';
    ASSERT (SELECT recent_results -> 0 ->> 'game_id' FROM api.matchup WHERE team1 = 'Alabama' AND team2 = 'Auburn') = '201',
           'newest first';
    ASSERT (SELECT ties FROM api.matchup WHERE team1 = 'Albany' AND team2 = 'Furman') = 1, 'tie counted';
    ASSERT NOT EXISTS (SELECT 1 FROM api.matchup WHERE team1 IN ('Georgia', 'Auburn') AND team2 IN ('Georgia', 'Auburn')),
           'a game with null scores is not a result';
    RAISE NOTICE 'ok: matchup';

    ASSERT NOT EXISTS (SELECT 1 FROM api.team_history WHERE win_pct NOT BETWEEN 0 AND 1), 'win_pct in [0,1]';
    ASSERT NOT EXISTS (SELECT 1 FROM api.leaderboard_teams WHERE win_pct NOT BETWEEN 0 AND 1), 'win_pct in [0,1]';
    ASSERT NOT EXISTS (SELECT 1 FROM api.team_detail WHERE win_pct NOT BETWEEN 0 AND 1), 'win_pct in [0,1]';
    ASSERT (SELECT win_pct FROM api.team_history WHERE team_id = 6 AND season = 2023) = 0.25,
           'a tie counts half (Albany 2023: L, T)';
    ASSERT (SELECT wins || '-' || losses FROM api.team_history WHERE team_id = 1 AND season = 2023) = '3-1',
           'Alabama 2023 record';
    ASSERT (SELECT sp_rating FROM api.team_history WHERE team_id = 6 AND season = 2024) = -10.0
       AND (SELECT sp_rating FROM api.team_history WHERE team_id = 7 AND season = 2024) IS NULL,
           'a rating keyed by a shared name lands on one team only';
    RAISE NOTICE 'ok: team_history';

    ASSERT NOT EXISTS (
        SELECT 1 FROM (
            SELECT season, classification, min(win_pct_rank) AS best, count(*) AS n, max(win_pct_rank) AS worst
            FROM api.leaderboard_teams GROUP BY season, classification
        ) AS p WHERE p.best <> 1 OR p.worst > p.n
    ), 'ranks start at 1 within each season and classification';
    ASSERT (SELECT win_pct_rank FROM api.leaderboard_teams WHERE team_id = 6 AND season = 2024) = 1
       AND (SELECT win_pct_rank FROM api.leaderboard_teams WHERE team_id = 1 AND season = 2024) = 1,
           'FCS and FBS each have their own number one';
    RAISE NOTICE 'ok: leaderboard_teams';

    ASSERT NOT EXISTS (SELECT 1 FROM api.recruit_lookup WHERE stars NOT BETWEEN 1 AND 5 OR stars IS NULL),
           'stars in 1..5';
    ASSERT (SELECT count(*) FROM api.recruit_lookup) = (SELECT count(*) FROM recruiting.recruits), 'one row per recruit';
    ASSERT (SELECT committed_team_id FROM api.recruit_lookup WHERE recruit_id = 9004) = 6, 'shared name resolves to one id';
    ASSERT (SELECT committed_team_id FROM api.recruit_lookup WHERE recruit_id = 9005) IS NULL, 'unknown school: null id';
    RAISE NOTICE 'ok: recruit_lookup';

    ASSERT (SELECT count(*) FROM api.roster_lookup)
         = (SELECT count(*) FROM core.roster WHERE team IN (SELECT school FROM ref.teams)),
           'one row per roster row with a known team';
    ASSERT (SELECT count(*) FROM api.roster_lookup) = (SELECT count(DISTINCT (athlete_id, season)) FROM api.roster_lookup),
           'no duplicates from shared school names';
    RAISE NOTICE 'ok: roster_lookup';
END
$$;

-- Figures the marts compute on the fixture.
DO $$
BEGIN
    ASSERT (SELECT success_rate FROM marts.situational_splits
            WHERE team_id = 1 AND season = 2023 AND split = 'third_long') IS NOT NULL, 'splits computed';
    ASSERT NOT EXISTS (SELECT 1 FROM marts._game_epa_calc WHERE success_rate NOT BETWEEN 0 AND 1),
           'success rate in [0,1]';
    ASSERT (SELECT count(*) FROM marts.team_tempo_metrics WHERE seconds_per_play BETWEEN 10 AND 60)
         = (SELECT count(*) FROM marts.team_tempo_metrics), 'tempo in seconds per play';
    ASSERT (SELECT bool_and(havoc_rate > 0 AND havoc_rate <= 1) FROM marts.defensive_havoc), 'havoc rates';
    ASSERT (SELECT count(*) FROM marts.player_season_epa WHERE season = 2024) = 6,
           'play stats only where backfilled (2024: one game, 2 teams x 3 players)';
    ASSERT (SELECT recruit_stars FROM scouting.player_mart WHERE athlete_id = 101 AND season = 2023) = 5,
           'player mart joins the recruit';
    RAISE NOTICE 'ok: mart figures';
END
$$;

-- Foreign keys to games reject orphans, on every plays partition too.
DO $$
DECLARE
    tbl text;
BEGIN
    FOREACH tbl IN ARRAY ARRAY['core.plays_2023', 'core.plays_default', 'core.drives', 'stats.play_stats',
                               'stats.game_havoc', 'betting.lines', 'core.game_team_stats'] LOOP
        BEGIN
            CASE tbl
                WHEN 'core.plays_2023' THEN
                    INSERT INTO core.plays (id, season, game_id, offense, defense) VALUES (1, 2023, 999999, 'A', 'B');
                WHEN 'core.plays_default' THEN
                    INSERT INTO core.plays (id, season, game_id, offense, defense) VALUES (1, 1999, 999999, 'A', 'B');
                WHEN 'core.drives' THEN
                    INSERT INTO core.drives (id, game_id, offense, defense) VALUES (1, 999999, 'A', 'B');
                WHEN 'stats.play_stats' THEN
                    INSERT INTO stats.play_stats (game_id, play_id, athlete_id, stat_type, season) VALUES (999999, 1, 1, 'Rush', 2023);
                WHEN 'stats.game_havoc' THEN
                    INSERT INTO stats.game_havoc (game_id, team, season) VALUES (999999, 'A', 2023);
                WHEN 'betting.lines' THEN
                    INSERT INTO betting.lines (game_id, provider) VALUES (999999, 'consensus');
                WHEN 'core.game_team_stats' THEN
                    INSERT INTO core.game_team_stats (game_id, team) VALUES (999999, 'A');
            END CASE;
            RAISE EXCEPTION 'orphan accepted by %', tbl;
        EXCEPTION WHEN foreign_key_violation THEN
            NULL;
        END;
    END LOOP;
    ASSERT (SELECT bool_and(convalidated) FROM pg_constraint
            WHERE contype = 'f' AND confrelid = 'core.games'::regclass), 'all game keys validated';
    ASSERT (SELECT count(*) FROM pg_constraint WHERE conrelid = 'core.plays'::regclass AND contype = 'f') = 1,
           'the parent holds the key';
    RAISE NOTICE 'ok: orphans rejected by validated foreign keys, on every partition';
END
$$;
