-- Reference tables (CFBD /conferences, /teams, /venues, /coaches), columns in snake_case.

CREATE TABLE ref.conferences (
    id              integer PRIMARY KEY,
    name            text NOT NULL,
    short_name      text,
    abbreviation    text,
    classification  text,
    CONSTRAINT conferences_name_key UNIQUE (name)
);
COMMENT ON TABLE ref.conferences IS 'Conferences (CFBD /conferences); one row per conference id.';

CREATE TABLE ref.venues (
    id                 integer PRIMARY KEY,
    name               text NOT NULL,
    capacity           integer,
    grass              boolean,
    dome               boolean,
    city               text,
    state              text,
    zip                text,
    country_code       text,
    timezone           text,
    latitude           double precision,
    longitude          double precision,
    elevation          double precision,
    construction_year  integer
);
COMMENT ON TABLE ref.venues IS 'Stadiums (CFBD /venues).';

-- school is deliberately NOT unique: ~35 school names are shared by different ids
-- (e.g. three "Albany"). Everything that must identify a team uses id; the
-- deduplicated name key is the view ref.school_names.
CREATE TABLE ref.teams (
    id              integer PRIMARY KEY,
    school          text NOT NULL,
    mascot          text,
    abbreviation    text,
    alternate_names text[],
    conference      text,
    division        text,
    classification  text,
    color           text,
    alt_color       text,
    logos           text[],
    twitter         text,
    venue_id        integer,
    CONSTRAINT teams_classification_check
        CHECK (classification IN ('fbs', 'fcs', 'ii', 'iii'))
);
CREATE INDEX teams_school_idx ON ref.teams (school);
CREATE INDEX teams_classification_idx ON ref.teams (classification);
COMMENT ON TABLE ref.teams IS
    'Teams (CFBD /teams). school is not unique (shared names across ids); use id to identify a team, ref.school_names for a one-row-per-name key.';
COMMENT ON COLUMN ref.teams.classification IS 'fbs, fcs, ii or iii (null when unknown).';

-- Coach seasons: CFBD /coaches returns a coach with a list of seasons; one row here
-- per coach, team and season.
CREATE TABLE ref.coaches (
    first_name       text NOT NULL,
    last_name        text NOT NULL,
    team             text NOT NULL,
    season           integer NOT NULL,
    hire_date        timestamptz,
    games            integer,
    wins             integer,
    losses           integer,
    ties             integer,
    preseason_rank   integer,
    postseason_rank  integer,
    srs              numeric,
    sp_overall       numeric,
    sp_offense       numeric,
    sp_defense       numeric,
    PRIMARY KEY (first_name, last_name, team, season)
);
CREATE INDEX coaches_team_season_idx ON ref.coaches (team, season);
COMMENT ON TABLE ref.coaches IS 'Coach seasons (CFBD /coaches), one row per coach, team (school name) and season.';
