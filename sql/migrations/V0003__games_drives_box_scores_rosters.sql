-- Games, drives, team box scores and rosters (CFBD /games, /drives, /games/teams,
-- /roster). API camelCase fields become snake_case (homePoints -> home_points).

CREATE TABLE core.games (
    id                   integer PRIMARY KEY,
    season               integer NOT NULL,
    week                 integer,
    season_type          text NOT NULL DEFAULT 'regular',
    start_date           timestamptz,
    start_time_tbd       boolean,
    completed            boolean NOT NULL DEFAULT false,
    neutral_site         boolean NOT NULL DEFAULT false,
    conference_game      boolean NOT NULL DEFAULT false,
    attendance           integer,
    venue_id             integer,
    venue                text,
    home_id              integer,
    home_team            text NOT NULL,
    home_conference      text,
    home_classification  text,
    home_points          integer,
    home_line_scores     integer[],
    home_post_win_prob   numeric,
    home_pregame_elo     integer,
    home_postgame_elo    integer,
    away_id              integer,
    away_team            text NOT NULL,
    away_conference      text,
    away_classification  text,
    away_points          integer,
    away_line_scores     integer[],
    away_post_win_prob   numeric,
    away_pregame_elo     integer,
    away_postgame_elo    integer,
    excitement_index     numeric,
    highlights           text,
    notes                text
);
CREATE INDEX games_season_week_idx ON core.games (season, week);
CREATE INDEX games_home_id_season_idx ON core.games (home_id, season);
CREATE INDEX games_away_id_season_idx ON core.games (away_id, season);
CREATE INDEX games_start_date_idx ON core.games (start_date);
COMMENT ON TABLE core.games IS
    'Games since 1869 (CFBD /games). A completed game may still have null points (known defect); marts count only games with both scores.';
COMMENT ON COLUMN core.games.season_type IS 'regular or postseason (CFBD seasonType).';

-- Drives carry no season in CFBD; reach it through game_id.
CREATE TABLE core.drives (
    id                   bigint PRIMARY KEY,
    game_id              integer NOT NULL,
    offense              text NOT NULL,
    offense_conference   text,
    defense              text NOT NULL,
    defense_conference   text,
    drive_number         integer,
    scoring              boolean,
    start_period         integer,
    start_yardline       integer,
    start_yards_to_goal  integer,
    start_time_minutes   integer,
    start_time_seconds   integer,
    end_period           integer,
    end_yardline         integer,
    end_yards_to_goal    integer,
    end_time_minutes     integer,
    end_time_seconds     integer,
    elapsed_minutes      integer,
    elapsed_seconds      integer,
    plays                integer,
    yards                integer,
    drive_result         text,
    is_home_offense      boolean,
    start_offense_score  integer,
    start_defense_score  integer,
    end_offense_score    integer,
    end_defense_score    integer
);
CREATE INDEX drives_game_id_idx ON core.drives (game_id);
COMMENT ON TABLE core.drives IS 'Drives (CFBD /drives); foreign key to core.games (see V0006/V0007).';

-- Team box score per game. CFBD /games/teams returns a list of {category, stat};
-- the loader flattens the ones consumers use into columns and keeps the rest in stats.
CREATE TABLE core.game_team_stats (
    game_id                  integer NOT NULL,
    team                     text NOT NULL,
    team_id                  integer,
    conference               text,
    home_away                text,
    points                   integer,
    total_yards              integer,
    first_downs              integer,
    rushing_attempts         integer,
    rushing_yards            integer,
    completions              integer,
    pass_attempts            integer,
    net_passing_yards        integer,
    turnovers                integer,
    fumbles_lost             integer,
    interceptions            integer,
    penalties                integer,
    penalty_yards            integer,
    third_down_conversions   integer,
    third_down_attempts      integer,
    fourth_down_conversions  integer,
    fourth_down_attempts     integer,
    possession_seconds       integer,
    stats                    jsonb,
    PRIMARY KEY (game_id, team),
    CONSTRAINT game_team_stats_home_away_check CHECK (home_away IN ('home', 'away'))
);
CREATE INDEX game_team_stats_team_id_idx ON core.game_team_stats (team_id);
COMMENT ON TABLE core.game_team_stats IS 'Team box score per game (CFBD /games/teams).';
COMMENT ON COLUMN core.game_team_stats.stats IS 'Remaining CFBD categories as {category: value}.';

-- Roster: one row per player and season. team is a school name (see ref.teams).
CREATE TABLE core.roster (
    id              bigint NOT NULL,
    season          integer NOT NULL,
    first_name      text,
    last_name       text,
    team            text NOT NULL,
    position        text,
    height          integer,
    weight          integer,
    year            integer,
    jersey          integer,
    home_city       text,
    home_state      text,
    home_country    text,
    home_latitude   double precision,
    home_longitude  double precision,
    recruit_ids     bigint[],
    PRIMARY KEY (id, season)
);
CREATE INDEX roster_team_season_idx ON core.roster (team, season);
CREATE INDEX roster_last_name_idx ON core.roster (last_name, first_name);
COMMENT ON TABLE core.roster IS 'Rosters (CFBD /roster), one row per player (id = athlete id) and season.';
COMMENT ON COLUMN core.roster.height IS 'Inches.';
COMMENT ON COLUMN core.roster.weight IS 'Pounds.';
COMMENT ON COLUMN core.roster.year IS 'Class year: 1 freshman .. 4 senior (5 for fifth-year).';
COMMENT ON COLUMN core.roster.recruit_ids IS 'recruiting.recruits ids of this player (CFBD recruitIds).';
