-- Plays (CFBD /plays), LIST-partitioned by season: one partition per season 2004-2026
-- and a DEFAULT partition for anything else (older seasons, next year before its
-- partition exists). The primary key must include the partition key, hence (id, season).
-- Indexes made on the parent cascade to every partition.

CREATE TABLE core.plays (
    id                  bigint NOT NULL,
    season              integer NOT NULL,
    game_id             integer NOT NULL,
    drive_id            bigint,
    drive_number        integer,
    play_number         integer,
    offense             text NOT NULL,
    offense_conference  text,
    offense_score       integer,
    defense             text NOT NULL,
    defense_conference  text,
    defense_score       integer,
    home                text,
    away                text,
    period              integer,
    clock_minutes       integer,
    clock_seconds       integer,
    offense_timeouts    integer,
    defense_timeouts    integer,
    yardline            integer,
    yards_to_goal       integer,
    down                integer,
    distance            integer,
    yards_gained        integer,
    scoring             boolean,
    play_type           text,
    play_text           text,
    ppa                 double precision,
    wallclock           timestamptz,
    PRIMARY KEY (id, season)
) PARTITION BY LIST (season);
COMMENT ON TABLE core.plays IS
    'Plays (CFBD /plays), LIST-partitioned by season (core.plays_YYYY for 2004-2026, core.plays_default otherwise). ppa = expected points added.';
COMMENT ON COLUMN core.plays.ppa IS 'Predicted points added (EPA) of the play; null for non-scrimmage plays.';
COMMENT ON COLUMN core.plays.clock_minutes IS 'Game clock remaining in the period at the snap (minutes part).';

CREATE TABLE core.plays_2004 PARTITION OF core.plays FOR VALUES IN (2004);
CREATE TABLE core.plays_2005 PARTITION OF core.plays FOR VALUES IN (2005);
CREATE TABLE core.plays_2006 PARTITION OF core.plays FOR VALUES IN (2006);
CREATE TABLE core.plays_2007 PARTITION OF core.plays FOR VALUES IN (2007);
CREATE TABLE core.plays_2008 PARTITION OF core.plays FOR VALUES IN (2008);
CREATE TABLE core.plays_2009 PARTITION OF core.plays FOR VALUES IN (2009);
CREATE TABLE core.plays_2010 PARTITION OF core.plays FOR VALUES IN (2010);
CREATE TABLE core.plays_2011 PARTITION OF core.plays FOR VALUES IN (2011);
CREATE TABLE core.plays_2012 PARTITION OF core.plays FOR VALUES IN (2012);
CREATE TABLE core.plays_2013 PARTITION OF core.plays FOR VALUES IN (2013);
CREATE TABLE core.plays_2014 PARTITION OF core.plays FOR VALUES IN (2014);
CREATE TABLE core.plays_2015 PARTITION OF core.plays FOR VALUES IN (2015);
CREATE TABLE core.plays_2016 PARTITION OF core.plays FOR VALUES IN (2016);
CREATE TABLE core.plays_2017 PARTITION OF core.plays FOR VALUES IN (2017);
CREATE TABLE core.plays_2018 PARTITION OF core.plays FOR VALUES IN (2018);
CREATE TABLE core.plays_2019 PARTITION OF core.plays FOR VALUES IN (2019);
CREATE TABLE core.plays_2020 PARTITION OF core.plays FOR VALUES IN (2020);
CREATE TABLE core.plays_2021 PARTITION OF core.plays FOR VALUES IN (2021);
CREATE TABLE core.plays_2022 PARTITION OF core.plays FOR VALUES IN (2022);
CREATE TABLE core.plays_2023 PARTITION OF core.plays FOR VALUES IN (2023);
CREATE TABLE core.plays_2024 PARTITION OF core.plays FOR VALUES IN (2024);
CREATE TABLE core.plays_2025 PARTITION OF core.plays FOR VALUES IN (2025);
CREATE TABLE core.plays_2026 PARTITION OF core.plays FOR VALUES IN (2026);
CREATE TABLE core.plays_default PARTITION OF core.plays DEFAULT;

CREATE INDEX plays_game_id_idx ON core.plays (game_id);
CREATE INDEX plays_drive_id_idx ON core.plays (drive_id);
CREATE INDEX plays_offense_season_idx ON core.plays (offense, season);
