-- Schemas of the warehouse, named as the dlt pipelines name their datasets (UPSTREAM A.0).
-- IF NOT EXISTS because the migration engine may already have created `ops` for its own
-- bookkeeping before this file runs.
CREATE SCHEMA IF NOT EXISTS ref;         -- reference data: conferences, teams, venues, coaches
CREATE SCHEMA IF NOT EXISTS core;        -- games, drives, plays, box scores, rosters
CREATE SCHEMA IF NOT EXISTS stats;       -- player involvement per play, havoc per game
CREATE SCHEMA IF NOT EXISTS betting;     -- betting lines per game and provider
CREATE SCHEMA IF NOT EXISTS recruiting;  -- recruits and team classes
CREATE SCHEMA IF NOT EXISTS ratings;     -- SP+, Elo, FPI, SRS per team-season
CREATE SCHEMA IF NOT EXISTS metrics;     -- pregame win probabilities
CREATE SCHEMA IF NOT EXISTS marts;       -- materialized views (repeatable files)
CREATE SCHEMA IF NOT EXISTS api;         -- published consumer views (SCHEMA_CONTRACT.md)
CREATE SCHEMA IF NOT EXISTS scouting;    -- player scouting mart
CREATE SCHEMA IF NOT EXISTS nfl;         -- NFL first-touchdown picks game (V0100+)
CREATE SCHEMA IF NOT EXISTS ops;         -- cfbops bookkeeping

COMMENT ON SCHEMA ref IS 'Reference data loaded from CFBD: conferences, teams, venues, coaches.';
COMMENT ON SCHEMA core IS 'Games, drives, plays (partitioned by season), team box scores, rosters.';
COMMENT ON SCHEMA stats IS 'Per-play player involvement (play_stats) and per-game havoc.';
COMMENT ON SCHEMA betting IS 'Betting lines per game and provider.';
COMMENT ON SCHEMA recruiting IS 'Recruits and team recruiting classes.';
COMMENT ON SCHEMA ratings IS 'Team ratings per season: SP+, Elo, FPI, SRS.';
COMMENT ON SCHEMA metrics IS 'Pregame win probabilities per game (CFBD /metrics/wp/pregame).';
COMMENT ON SCHEMA marts IS 'Materialized views; refresh with marts.refresh_all().';
COMMENT ON SCHEMA api IS 'Published consumer views; columns documented in SCHEMA_CONTRACT.md.';
COMMENT ON SCHEMA scouting IS 'Scouting marts (player_mart).';
COMMENT ON SCHEMA nfl IS 'NFL first-touchdown picks game.';
COMMENT ON SCHEMA ops IS 'cfbops operational bookkeeping.';
