-- Plays as the dlt pipeline writes them (UPSTREAM A.1), LIST-partitioned by season as
-- upstream's 011 did: core.plays_y2004 ... core.plays_y2026 and no DEFAULT partition, so
-- a season outside 2004-2026 cannot be inserted (add its partition first). CFBD play and
-- drive ids are strings. A partitioned table's unique index must hold the partition
-- key, hence plays_dlt_id_unique on (_dlt_id, season). Indexes made on the parent
-- cascade to every partition.

CREATE TABLE core.plays (
    game_id             bigint,
    drive_id            varchar,
    id                  varchar NOT NULL,
    drive_number        bigint,
    play_number         bigint,
    offense             varchar,
    offense_conference  varchar,
    offense_score       bigint,
    defense             varchar,
    defense_conference  varchar,
    defense_score       bigint,
    home                varchar,
    away                varchar,
    period              bigint,
    clock__minutes      bigint,
    clock__seconds      bigint,
    offense_timeouts    bigint,
    defense_timeouts    bigint,
    yardline            bigint,
    yards_to_goal       bigint,
    down                bigint,
    distance            bigint,
    yards_gained        bigint,
    scoring             boolean,
    play_type           varchar,
    play_text           varchar,
    ppa                 double precision,
    wallclock           timestamptz,
    season              bigint,
    _dlt_load_id        varchar NOT NULL,
    _dlt_id             varchar NOT NULL,
    -- upstream 015 (after the snapshot)
    score_diff          integer GENERATED ALWAYS AS (offense_score - defense_score) STORED
) PARTITION BY LIST (season);
COMMENT ON TABLE core.plays IS
    'Plays (CFBD /plays, dlt merge on id), LIST-partitioned by season: core.plays_y2004 .. core.plays_y2026, no default partition. ppa = CFBD predicted points added (EPA).';
COMMENT ON COLUMN core.plays.ppa IS 'Predicted points added (EPA) of the play; null for non-scrimmage plays.';

CREATE TABLE core.plays_y2004 PARTITION OF core.plays FOR VALUES IN (2004);
CREATE TABLE core.plays_y2005 PARTITION OF core.plays FOR VALUES IN (2005);
CREATE TABLE core.plays_y2006 PARTITION OF core.plays FOR VALUES IN (2006);
CREATE TABLE core.plays_y2007 PARTITION OF core.plays FOR VALUES IN (2007);
CREATE TABLE core.plays_y2008 PARTITION OF core.plays FOR VALUES IN (2008);
CREATE TABLE core.plays_y2009 PARTITION OF core.plays FOR VALUES IN (2009);
CREATE TABLE core.plays_y2010 PARTITION OF core.plays FOR VALUES IN (2010);
CREATE TABLE core.plays_y2011 PARTITION OF core.plays FOR VALUES IN (2011);
CREATE TABLE core.plays_y2012 PARTITION OF core.plays FOR VALUES IN (2012);
CREATE TABLE core.plays_y2013 PARTITION OF core.plays FOR VALUES IN (2013);
CREATE TABLE core.plays_y2014 PARTITION OF core.plays FOR VALUES IN (2014);
CREATE TABLE core.plays_y2015 PARTITION OF core.plays FOR VALUES IN (2015);
CREATE TABLE core.plays_y2016 PARTITION OF core.plays FOR VALUES IN (2016);
CREATE TABLE core.plays_y2017 PARTITION OF core.plays FOR VALUES IN (2017);
CREATE TABLE core.plays_y2018 PARTITION OF core.plays FOR VALUES IN (2018);
CREATE TABLE core.plays_y2019 PARTITION OF core.plays FOR VALUES IN (2019);
CREATE TABLE core.plays_y2020 PARTITION OF core.plays FOR VALUES IN (2020);
CREATE TABLE core.plays_y2021 PARTITION OF core.plays FOR VALUES IN (2021);
CREATE TABLE core.plays_y2022 PARTITION OF core.plays FOR VALUES IN (2022);
CREATE TABLE core.plays_y2023 PARTITION OF core.plays FOR VALUES IN (2023);
CREATE TABLE core.plays_y2024 PARTITION OF core.plays FOR VALUES IN (2024);
CREATE TABLE core.plays_y2025 PARTITION OF core.plays FOR VALUES IN (2025);
CREATE TABLE core.plays_y2026 PARTITION OF core.plays FOR VALUES IN (2026);

CREATE UNIQUE INDEX plays_dlt_id_unique ON core.plays (_dlt_id, season);
CREATE INDEX plays_game_id_idx ON core.plays (game_id);
CREATE INDEX idx_plays_score_diff ON core.plays (score_diff);
CREATE INDEX idx_plays_competitive ON core.plays (game_id, period)
    WHERE abs(offense_score - defense_score) <= 28;
