-- Reference tables as the dlt pipeline writes them (UPSTREAM A.1): CFBD camelCase
-- fields in snake_case, nested objects flattened with a double underscore
-- (location__city), arrays as child tables joined on _dlt_parent_id = parent._dlt_id.
-- Column order is the live snapshot's; columns after _dlt_id were appended by later
-- loads. dlt creates no primary keys: the unique keys below are the ones upstream
-- added by hand (UPSTREAM C), under upstream's names.

CREATE TABLE ref.conferences (
    id              bigint NOT NULL,
    name            varchar,
    short_name      varchar,
    classification  varchar,
    _dlt_load_id    varchar NOT NULL,
    _dlt_id         varchar NOT NULL,
    abbreviation    varchar,
    CONSTRAINT uq_conferences_id UNIQUE (id)
);
COMMENT ON TABLE ref.conferences IS 'Conferences (CFBD /conferences, dlt merge on id).';

CREATE TABLE ref.venues (
    id                 bigint NOT NULL,
    name               varchar,
    capacity           bigint,
    dome               boolean,
    city               varchar,
    state              varchar,
    zip                varchar,
    country_code       varchar,
    latitude           double precision,
    longitude          double precision,
    _dlt_load_id       varchar NOT NULL,
    _dlt_id            varchar NOT NULL,
    grass              boolean,
    timezone           varchar,
    elevation          varchar,
    construction_year  bigint,
    CONSTRAINT uq_venues_id UNIQUE (id)
);
COMMENT ON TABLE ref.venues IS 'Stadiums (CFBD /venues, dlt merge on id). elevation is text as loaded.';

-- school is NOT unique (~35 names shared by several ids, e.g. three "Albany"), so
-- upstream never got UNIQUE (school) and neither does cfbops: identify a team by id,
-- resolve a name through ref.school_names. classification is CURRENT membership.
CREATE TABLE ref.teams (
    id                           bigint NOT NULL,
    school                       varchar,
    mascot                       varchar,
    abbreviation                 varchar,
    conference                   varchar,
    classification               varchar,
    color                        varchar,
    alternate_color              varchar,
    twitter                      varchar,
    location__id                 bigint,
    location__name               varchar,
    location__city               varchar,
    location__state              varchar,
    location__zip                varchar,
    location__country_code       varchar,
    location__timezone           varchar,
    location__latitude           double precision,
    location__longitude          double precision,
    location__elevation          varchar,
    location__capacity           bigint,
    location__construction_year  bigint,
    location__grass              boolean,
    location__dome               boolean,
    _dlt_load_id                 varchar NOT NULL,
    _dlt_id                      varchar NOT NULL,
    division                     varchar
);
CREATE INDEX teams_id_idx ON ref.teams (id);
CREATE INDEX teams_school_idx ON ref.teams (school);
CREATE UNIQUE INDEX teams_dlt_id_idx ON ref.teams (_dlt_id);
COMMENT ON TABLE ref.teams IS
    'Teams (CFBD /teams, dlt merge on id). school is not unique; use id, or ref.school_names for one row per name. classification is current membership; location__* is the home venue.';

-- Ref child tables carry no _dlt_root_id (UPSTREAM A.0: absent at snapshot time).
CREATE TABLE ref.teams__logos (
    value           varchar,
    _dlt_parent_id  varchar NOT NULL,
    _dlt_list_idx   bigint NOT NULL,
    _dlt_id         varchar NOT NULL
);
CREATE INDEX teams__logos_parent_idx ON ref.teams__logos (_dlt_parent_id, _dlt_list_idx);
COMMENT ON TABLE ref.teams__logos IS 'Logo URLs of a team (child of ref.teams); _dlt_list_idx 0 is the primary logo.';

CREATE TABLE ref.teams__alternate_names (
    value           varchar,
    _dlt_parent_id  varchar NOT NULL,
    _dlt_list_idx   bigint NOT NULL,
    _dlt_id         varchar NOT NULL
);
CREATE INDEX teams__alternate_names_parent_idx ON ref.teams__alternate_names (_dlt_parent_id, _dlt_list_idx);
COMMENT ON TABLE ref.teams__alternate_names IS 'Alternate names of a team (child of ref.teams).';

-- A coach has no id: dlt merges on (first_name, last_name). The seasons are a child.
CREATE TABLE ref.coaches (
    first_name    varchar NOT NULL,
    last_name     varchar NOT NULL,
    _dlt_load_id  varchar NOT NULL,
    _dlt_id       varchar NOT NULL,
    hire_date     timestamptz
);
CREATE UNIQUE INDEX coaches_dlt_id_idx ON ref.coaches (_dlt_id);
COMMENT ON TABLE ref.coaches IS 'Head coaches (CFBD /coaches, dlt merge on first_name, last_name); seasons in ref.coaches__seasons.';

CREATE TABLE ref.coaches__seasons (
    school           varchar,
    year             bigint,
    games            bigint,
    wins             bigint,
    losses           bigint,
    ties             bigint,
    preseason_rank   bigint,
    postseason_rank  bigint,
    srs              double precision,
    _dlt_parent_id   varchar NOT NULL,
    _dlt_list_idx    bigint NOT NULL,
    _dlt_id          varchar NOT NULL,
    sp_overall       double precision,
    sp_offense       double precision,
    sp_defense       double precision
);
CREATE INDEX coaches__seasons_parent_idx ON ref.coaches__seasons (_dlt_parent_id);
CREATE INDEX coaches__seasons_school_year_idx ON ref.coaches__seasons (school, year);
COMMENT ON TABLE ref.coaches__seasons IS 'One row per coach and season (child of ref.coaches): school, year (= season), record, ranks, SRS, SP+.';

CREATE TABLE ref.play_types (
    id            bigint NOT NULL,
    text          varchar,
    abbreviation  varchar,
    _dlt_load_id  varchar NOT NULL,
    _dlt_id       varchar NOT NULL
);
COMMENT ON TABLE ref.play_types IS 'CFBD play types (/plays/types).';
