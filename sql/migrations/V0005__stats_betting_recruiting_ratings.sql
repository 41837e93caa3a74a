-- Player involvement per play, havoc per game, betting lines, recruiting, ratings.

-- One row per player involvement in a play (CFBD /plays/stats). driveId, playId and
-- athleteId arrive as strings of digits; stored as bigint. Present only for recent
-- seasons until the backfill has run.
CREATE TABLE stats.play_stats (
    game_id         integer NOT NULL,
    play_id         bigint NOT NULL,
    athlete_id      bigint NOT NULL,
    stat_type       text NOT NULL,
    season          integer NOT NULL,
    week            integer,
    season_type     text,
    team            text,
    conference      text,
    opponent        text,
    team_score      integer,
    opponent_score  integer,
    drive_id        bigint,
    period          integer,
    clock_minutes   integer,
    clock_seconds   integer,
    yards_to_goal   integer,
    down            integer,
    distance        integer,
    athlete_name    text,
    stat            numeric,
    PRIMARY KEY (game_id, play_id, athlete_id, stat_type)
);
CREATE INDEX play_stats_athlete_id_idx ON stats.play_stats (athlete_id);
CREATE INDEX play_stats_season_play_id_idx ON stats.play_stats (season, play_id);
COMMENT ON TABLE stats.play_stats IS
    'Player involvement per play (CFBD /plays/stats), one row per (game, play, athlete, stat type). Backfilled per game; coverage grows season by season.';

-- Havoc per team and game (CFBD /stats/game/havoc): the offense and defense objects
-- flattened with offense_/defense_ prefixes.
CREATE TABLE stats.game_havoc (
    game_id                           integer NOT NULL,
    team                              text NOT NULL,
    season                            integer NOT NULL,
    season_type                       text,
    week                              integer,
    conference                        text,
    opponent                          text,
    opponent_conference               text,
    offense_total_plays               integer,
    offense_total_havoc_events        integer,
    offense_front_seven_havoc_events  integer,
    offense_db_havoc_events           integer,
    offense_havoc_rate                numeric,
    offense_front_seven_havoc_rate    numeric,
    offense_db_havoc_rate             numeric,
    defense_total_plays               integer,
    defense_total_havoc_events        integer,
    defense_front_seven_havoc_events  integer,
    defense_db_havoc_events           integer,
    defense_havoc_rate                numeric,
    defense_front_seven_havoc_rate    numeric,
    defense_db_havoc_rate             numeric,
    PRIMARY KEY (game_id, team)
);
CREATE INDEX game_havoc_season_team_idx ON stats.game_havoc (season, team);
COMMENT ON TABLE stats.game_havoc IS 'Havoc totals and rates per team and game (CFBD /stats/game/havoc).';

CREATE TABLE betting.lines (
    game_id           integer NOT NULL,
    provider          text NOT NULL,
    season            integer,
    season_type       text,
    week              integer,
    home_team         text,
    away_team         text,
    home_score        integer,
    away_score        integer,
    spread            numeric,
    formatted_spread  text,
    spread_open       numeric,
    over_under        numeric,
    over_under_open   numeric,
    home_moneyline    integer,
    away_moneyline    integer,
    PRIMARY KEY (game_id, provider)
);
COMMENT ON TABLE betting.lines IS
    'Betting lines per game and provider (CFBD /lines). spread is from the home team''s view (negative = home favoured).';

-- committed_to is a school NAME and ref.teams.school is not unique, so it cannot be a
-- foreign key. The deduplicated key is the view ref.school_names; a recruit whose
-- committed_to is not there is a data-quality finding, not a load error (recruits
-- can arrive before the team list is refreshed, and name spellings drift).
CREATE TABLE recruiting.recruits (
    id              bigint PRIMARY KEY,
    athlete_id      bigint,
    recruit_type    text,
    year            integer NOT NULL,
    ranking         integer,
    name            text NOT NULL,
    school          text,
    committed_to    text,
    position        text,
    height          numeric,
    weight          integer,
    stars           integer NOT NULL,
    rating          numeric,
    city            text,
    state_province  text,
    country         text,
    CONSTRAINT recruits_stars_check CHECK (stars BETWEEN 1 AND 5)
);
CREATE INDEX recruits_year_idx ON recruiting.recruits (year);
CREATE INDEX recruits_committed_to_year_idx ON recruiting.recruits (committed_to, year);
CREATE INDEX recruits_athlete_id_idx ON recruiting.recruits (athlete_id);
COMMENT ON TABLE recruiting.recruits IS 'Recruits (CFBD /recruiting/players), one row per recruit id.';
COMMENT ON COLUMN recruiting.recruits.school IS 'The recruit''s high school (or JUCO / prep school).';
COMMENT ON COLUMN recruiting.recruits.committed_to IS
    'School NAME the recruit committed to. Not a foreign key: ref.teams.school is not unique. Checked against ref.school_names as a data-quality check (unknown names are findings, still loadable).';
COMMENT ON COLUMN recruiting.recruits.athlete_id IS 'Athlete id once the recruit appears on a roster (core.roster.id).';

CREATE TABLE recruiting.team_recruiting (
    team    text NOT NULL,
    year    integer NOT NULL,
    rank    integer,
    points  numeric,
    PRIMARY KEY (team, year)
);
COMMENT ON TABLE recruiting.team_recruiting IS 'Team recruiting class rank and points per year (team = school name).';

CREATE TABLE ratings.sp (
    team                  text NOT NULL,
    year                  integer NOT NULL,
    conference            text,
    rating                numeric,
    ranking               integer,
    offense_rating        numeric,
    defense_rating        numeric,
    special_teams_rating  numeric,
    PRIMARY KEY (team, year)
);
COMMENT ON TABLE ratings.sp IS 'SP+ ratings per team (school name) and year.';

CREATE TABLE ratings.elo (
    team        text NOT NULL,
    year        integer NOT NULL,
    conference  text,
    elo         integer,
    PRIMARY KEY (team, year)
);
COMMENT ON TABLE ratings.elo IS 'End-of-season Elo per team (school name) and year.';

CREATE TABLE ratings.fpi (
    team        text NOT NULL,
    year        integer NOT NULL,
    conference  text,
    fpi         numeric,
    fpi_rank    integer,
    PRIMARY KEY (team, year)
);
COMMENT ON TABLE ratings.fpi IS 'ESPN FPI per team (school name) and year.';
