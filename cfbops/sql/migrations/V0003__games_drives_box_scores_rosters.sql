-- Games, drives, team box scores, rosters and polls as the dlt pipelines write them
-- (UPSTREAM A.1, B.3, B.4): snake_case, nested objects with a double underscore,
-- arrays as child tables (value, _dlt_root_id, _dlt_parent_id, _dlt_list_idx, _dlt_id)
-- joined on _dlt_parent_id = parent._dlt_id, never on a natural key.

-- Upstream migration 018 keeps updated_at current on games and drives.
CREATE FUNCTION core.update_updated_at_column()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE TABLE core.games (
    id                             bigint NOT NULL,
    season                         bigint,
    week                           bigint,
    season_type                    varchar,
    start_date                     timestamptz,
    start_time_tbd                 boolean,
    completed                      boolean,
    neutral_site                   boolean,
    conference_game                boolean,
    home_id                        bigint,
    home_team                      varchar,
    home_classification            varchar,
    home_conference                varchar,
    home_points                    bigint,
    away_id                        bigint,
    away_team                      varchar,
    away_points                    bigint,
    highlights                     varchar,
    _dlt_load_id                   varchar NOT NULL,
    _dlt_id                        varchar NOT NULL,
    attendance                     bigint,
    venue_id                       bigint,
    venue                          varchar,
    home_postgame_win_probability  double precision,
    home_pregame_elo               bigint,
    home_postgame_elo              bigint,
    away_classification            varchar,
    away_conference                varchar,
    away_postgame_win_probability  double precision,
    away_pregame_elo               bigint,
    away_postgame_elo              bigint,
    excitement_index               double precision,
    notes                          varchar,
    -- upstream 018 (after the snapshot)
    created_at                     timestamptz DEFAULT now(),
    updated_at                     timestamptz DEFAULT now(),
    -- the Sprint 5 key every game foreign key references (upstream C)
    CONSTRAINT uq_games_id UNIQUE (id)
);
CREATE UNIQUE INDEX games_dlt_id_idx ON core.games (_dlt_id);
CREATE INDEX games_season_week_idx ON core.games (season, week);
CREATE INDEX games_home_id_season_idx ON core.games (home_id, season);
CREATE INDEX games_away_id_season_idx ON core.games (away_id, season);
CREATE TRIGGER update_games_updated_at
    BEFORE UPDATE ON core.games
    FOR EACH ROW EXECUTE FUNCTION core.update_updated_at_column();
COMMENT ON TABLE core.games IS
    'Games (CFBD /games, dlt merge on id). season is injected by the loader; postseason weeks restart at 1. A completed game may have null points (known defect); marts count only games with both scores. home/away_classification is the classification of that season.';

-- Points per period: _dlt_list_idx 0-3 are Q1-Q4, 4 and on overtime periods.
CREATE TABLE core.games__home_line_scores (
    value           bigint,
    _dlt_root_id    varchar NOT NULL,
    _dlt_parent_id  varchar NOT NULL,
    _dlt_list_idx   bigint NOT NULL,
    _dlt_id         varchar NOT NULL
);
CREATE INDEX games__home_line_scores_parent_idx ON core.games__home_line_scores (_dlt_parent_id, _dlt_list_idx);
COMMENT ON TABLE core.games__home_line_scores IS 'Home points per period (child of core.games; _dlt_list_idx 0-3 = Q1-Q4, 4+ = overtime).';

CREATE TABLE core.games__away_line_scores (
    value           bigint,
    _dlt_root_id    varchar NOT NULL,
    _dlt_parent_id  varchar NOT NULL,
    _dlt_list_idx   bigint NOT NULL,
    _dlt_id         varchar NOT NULL
);
CREATE INDEX games__away_line_scores_parent_idx ON core.games__away_line_scores (_dlt_parent_id, _dlt_list_idx);
COMMENT ON TABLE core.games__away_line_scores IS 'Away points per period (child of core.games; _dlt_list_idx 0-3 = Q1-Q4, 4+ = overtime).';

-- CFBD drive ids are strings. start/end_yardline are absolute field positions,
-- *_yards_to_goal offense-relative.
CREATE TABLE core.drives (
    id                   varchar NOT NULL,
    game_id              bigint,
    offense              varchar,
    offense_conference   varchar,
    defense              varchar,
    defense_conference   varchar,
    drive_number         bigint,
    scoring              boolean,
    start_period         bigint,
    start_yardline       bigint,
    start_yards_to_goal  bigint,
    start_time__minutes  bigint,
    start_time__seconds  bigint,
    end_period           bigint,
    end_yardline         bigint,
    end_yards_to_goal    bigint,
    end_time__minutes    bigint,
    end_time__seconds    bigint,
    elapsed__minutes     bigint,
    elapsed__seconds     bigint,
    plays                bigint,
    yards                bigint,
    drive_result         varchar,
    is_home_offense      boolean,
    start_offense_score  bigint,
    start_defense_score  bigint,
    end_offense_score    bigint,
    end_defense_score    bigint,
    season               bigint,
    _dlt_load_id         varchar NOT NULL,
    _dlt_id              varchar NOT NULL,
    created_at           timestamptz DEFAULT now(),
    updated_at           timestamptz DEFAULT now()
);
CREATE INDEX drives_id_idx ON core.drives (id);
CREATE INDEX drives_game_id_idx ON core.drives (game_id);
CREATE TRIGGER update_drives_updated_at
    BEFORE UPDATE ON core.drives
    FOR EACH ROW EXECUTE FUNCTION core.update_updated_at_column();
COMMENT ON TABLE core.drives IS 'Drives (CFBD /drives, dlt merge on id); season injected by the loader.';

-- Team box scores live in schema core (not stats, whatever config/endpoints.py says).
-- The parent holds only the game id; teams and their {category, stat} pairs are
-- children. stat is a string ("7-55") and category camelCase (totalPenaltiesYards).
CREATE TABLE core.game_team_stats (
    id            bigint NOT NULL,
    _dlt_load_id  varchar NOT NULL,
    _dlt_id       varchar NOT NULL
);
CREATE INDEX game_team_stats_id_idx ON core.game_team_stats (id);
CREATE UNIQUE INDEX game_team_stats_dlt_id_idx ON core.game_team_stats (_dlt_id);
COMMENT ON TABLE core.game_team_stats IS 'Team box scores (CFBD /games/teams); id = game id. Teams in core.game_team_stats__teams.';

-- Columns beyond team and home_away follow CFBD's GameTeamStatsTeam (inferred, B.3).
CREATE TABLE core.game_team_stats__teams (
    team_id         bigint,
    team            varchar,
    conference      varchar,
    home_away       varchar,
    points          bigint,
    _dlt_root_id    varchar NOT NULL,
    _dlt_parent_id  varchar NOT NULL,
    _dlt_list_idx   bigint NOT NULL,
    _dlt_id         varchar NOT NULL
);
CREATE INDEX game_team_stats__teams_parent_idx ON core.game_team_stats__teams (_dlt_parent_id);
CREATE UNIQUE INDEX game_team_stats__teams_dlt_id_idx ON core.game_team_stats__teams (_dlt_id);
COMMENT ON TABLE core.game_team_stats__teams IS 'One row per team of a box score (child of core.game_team_stats).';

CREATE TABLE core.game_team_stats__teams__stats (
    category        varchar,
    stat            varchar,
    _dlt_root_id    varchar NOT NULL,
    _dlt_parent_id  varchar NOT NULL,
    _dlt_list_idx   bigint NOT NULL,
    _dlt_id         varchar NOT NULL
);
CREATE INDEX game_team_stats__teams__stats_parent_idx ON core.game_team_stats__teams__stats (_dlt_parent_id);
COMMENT ON TABLE core.game_team_stats__teams__stats IS 'One {category, stat} pair of a team box score (child of core.game_team_stats__teams); stat is text, e.g. "7-55".';

-- year is the SEASON: the loader overwrites CFBD's class-year field with the season
-- it asked for, and team with the team it asked for. Key (id, team, year). id is the
-- CFBD athlete id (text), the key space of play_stats.athlete_id and recruits.athlete_id.
CREATE TABLE core.roster (
    id                varchar NOT NULL,
    first_name        varchar,
    last_name         varchar,
    team              varchar NOT NULL,
    year              bigint NOT NULL,
    _dlt_load_id      varchar NOT NULL,
    _dlt_id           varchar NOT NULL,
    weight            bigint,
    height            bigint,
    jersey            bigint,
    position          varchar,
    home_city         varchar,
    home_state        varchar,
    home_country      varchar,
    home_latitude     double precision,
    home_longitude    double precision,
    home_county_fips  varchar
);
CREATE INDEX roster_id_year_idx ON core.roster (id, year);
CREATE INDEX roster_team_year_idx ON core.roster (team, year);
CREATE UNIQUE INDEX roster_dlt_id_idx ON core.roster (_dlt_id);
COMMENT ON TABLE core.roster IS
    'Rosters (CFBD /roster, dlt resource "rosters", merge on (id, team, year)). year is the SEASON, not the class year.';
COMMENT ON COLUMN core.roster.year IS 'Season of this roster row (the loader overwrites CFBD''s class year with it).';

CREATE TABLE core.roster__recruit_ids (
    value           varchar,
    _dlt_root_id    varchar NOT NULL,
    _dlt_parent_id  varchar NOT NULL,
    _dlt_list_idx   bigint NOT NULL,
    _dlt_id         varchar NOT NULL
);
CREATE INDEX roster__recruit_ids_parent_idx ON core.roster__recruit_ids (_dlt_parent_id);
COMMENT ON TABLE core.roster__recruit_ids IS 'recruiting.recruits ids of a roster player (child of core.roster).';

-- Polls flattened from polls[].ranks[]; season_type was added after the snapshot
-- (upstream 023, merge key (season, season_type, week, poll, school)). Tied teams
-- share a rank; the final poll is postseason week 1.
CREATE TABLE core.rankings (
    rank               bigint NOT NULL,
    team_id            bigint,
    school             varchar,
    conference         varchar,
    first_place_votes  bigint,
    points             bigint,
    season             bigint NOT NULL,
    week               bigint NOT NULL,
    poll               varchar NOT NULL,
    _dlt_load_id       varchar NOT NULL,
    _dlt_id            varchar NOT NULL,
    season_type        varchar
);
COMMENT ON TABLE core.rankings IS 'Poll ranks (CFBD /rankings): one row per poll, season, week and ranked team.';
