-- Player stats per play, havoc per game, betting lines, recruiting, ratings and
-- pregame win probabilities, as the dlt pipelines write them (UPSTREAM A.1, B.1, B.2).

-- stats.play_stats is absent from the snapshot: columns follow CFBD's PlayStat model
-- (UPSTREAM B.1). INFERRED: dlt types of the "number" fields are not evidenced
-- upstream; they are bigint here as dlt infers for integral values. play_id, drive_id
-- and athlete_id are CFBD strings.
CREATE TABLE stats.play_stats (
    game_id         bigint,
    season          bigint,
    week            bigint,
    team            varchar,
    conference      varchar,
    opponent        varchar,
    team_score      bigint,
    opponent_score  bigint,
    drive_id        varchar,
    play_id         varchar,
    period          bigint,
    clock__minutes  bigint,
    clock__seconds  bigint,
    yards_to_goal   bigint,
    down            bigint,
    distance        bigint,
    athlete_id      varchar,
    athlete_name    varchar,
    stat_type       varchar,
    stat            bigint,
    _dlt_load_id    varchar NOT NULL,
    _dlt_id         varchar NOT NULL
);
CREATE INDEX play_stats_game_id_idx ON stats.play_stats (game_id);
CREATE INDEX play_stats_athlete_id_idx ON stats.play_stats (athlete_id);
COMMENT ON TABLE stats.play_stats IS
    'Player involvement per play (CFBD /plays/stats, one call per game; dlt merge on (game_id, play_id, athlete_id, stat_type)). Coverage grows as the backfill runs.';

-- stats.game_havoc is absent from the snapshot (UPSTREAM B.2): the offense and defense
-- objects flattened with a double underscore. total_havoc_events and
-- front_seven_havoc_events carry __v_double twins (a type conflict between loads):
-- read them as coalesce(bigint, twin). INFERRED: the offense__* columns mirror the
-- defense__* ones (not live-verified upstream); the context columns follow CFBD's
-- GameHavocStats.
CREATE TABLE stats.game_havoc (
    game_id                                     bigint,
    season                                      bigint,
    season_type                                 varchar,
    week                                        bigint,
    team                                        varchar,
    conference                                  varchar,
    opponent                                    varchar,
    opponent_conference                         varchar,
    offense__total_plays                        bigint,
    offense__total_havoc_events                 bigint,
    offense__front_seven_havoc_events           bigint,
    offense__db_havoc_events                    bigint,
    offense__havoc_rate                         double precision,
    offense__front_seven_havoc_rate             double precision,
    offense__db_havoc_rate                      double precision,
    defense__total_plays                        bigint,
    defense__total_havoc_events                 bigint,
    defense__front_seven_havoc_events           bigint,
    defense__db_havoc_events                    bigint,
    defense__havoc_rate                         double precision,
    defense__front_seven_havoc_rate             double precision,
    defense__db_havoc_rate                      double precision,
    _dlt_load_id                                varchar NOT NULL,
    _dlt_id                                     varchar NOT NULL,
    offense__total_havoc_events__v_double       double precision,
    offense__front_seven_havoc_events__v_double double precision,
    defense__total_havoc_events__v_double       double precision,
    defense__front_seven_havoc_events__v_double double precision
);
CREATE INDEX game_havoc_game_id_idx ON stats.game_havoc (game_id);
COMMENT ON TABLE stats.game_havoc IS
    'Havoc totals and rates per team and game (CFBD /stats/game/havoc, dlt merge on (game_id, team)). Event counts may sit in the __v_double twin: coalesce the pair.';

-- One row per game and provider. spread is the home line (negative: home favoured).
CREATE TABLE betting.lines (
    game_id           bigint NOT NULL,
    season            bigint,
    week              bigint,
    home_team         varchar,
    away_team         varchar,
    home_score        bigint,
    away_score        bigint,
    provider          varchar NOT NULL,
    spread            double precision,
    formatted_spread  varchar,
    over_under        double precision,
    home_moneyline    bigint,
    away_moneyline    bigint,
    _dlt_load_id      varchar NOT NULL,
    _dlt_id           varchar NOT NULL
);
CREATE INDEX lines_game_id_idx ON betting.lines (game_id);
COMMENT ON TABLE betting.lines IS
    'Betting lines per game and provider (CFBD /lines, dlt merge on (game_id, provider)). spread is the home line (negative = home favoured); provider consensus is preferred by api.game_detail.';

-- id is the recruit record; athlete_id the athlete (match rosters on it). year is the
-- class; school the high school; committed_to the college, a NAME (not a foreign key:
-- ref.teams.school is not unique; unknown names are a data-quality finding).
CREATE TABLE recruiting.recruits (
    id                        varchar NOT NULL,
    athlete_id                varchar,
    recruit_type              varchar,
    year                      bigint,
    ranking                   bigint,
    name                      varchar,
    school                    varchar,
    committed_to              varchar,
    position                  varchar,
    height                    bigint,
    weight                    bigint,
    stars                     bigint,
    rating                    double precision,
    city                      varchar,
    state_province            varchar,
    country                   varchar,
    hometown_info__latitude   double precision,
    hometown_info__longitude  double precision,
    hometown_info__fips_code  varchar,
    recruiting_year           bigint,
    _dlt_load_id              varchar NOT NULL,
    _dlt_id                   varchar NOT NULL
);
CREATE INDEX recruits_id_idx ON recruiting.recruits (id);
CREATE INDEX recruits_athlete_id_idx ON recruiting.recruits (athlete_id);
CREATE INDEX recruits_committed_to_year_idx ON recruiting.recruits (committed_to, year);
COMMENT ON TABLE recruiting.recruits IS 'Recruits (CFBD /recruiting/players, dlt merge on id); year = class, school = high school, committed_to = college name.';

CREATE TABLE recruiting.team_recruiting (
    year          bigint NOT NULL,
    team          varchar NOT NULL,
    rank          bigint,
    points        double precision,
    _dlt_load_id  varchar NOT NULL,
    _dlt_id       varchar NOT NULL
);
CREATE INDEX team_recruiting_team_year_idx ON recruiting.team_recruiting (team, year);
COMMENT ON TABLE recruiting.team_recruiting IS 'Team recruiting class rank and points per class year (team = school name).';

-- Ratings: year is the season, team a school name; dlt merges on (year, team).
CREATE TABLE ratings.sp_ratings (
    year                   bigint NOT NULL,
    team                   varchar NOT NULL,
    conference             varchar,
    rating                 double precision,
    ranking                bigint,
    offense__ranking       bigint,
    offense__rating        double precision,
    defense__ranking       bigint,
    defense__rating        double precision,
    special_teams__rating  double precision,
    _dlt_load_id           varchar NOT NULL,
    _dlt_id                varchar NOT NULL
);
CREATE INDEX sp_ratings_team_year_idx ON ratings.sp_ratings (team, year);
COMMENT ON TABLE ratings.sp_ratings IS 'SP+ per team (school name) and season (year).';

CREATE TABLE ratings.elo_ratings (
    year          bigint NOT NULL,
    team          varchar NOT NULL,
    conference    varchar,
    elo           bigint,
    _dlt_load_id  varchar NOT NULL,
    _dlt_id       varchar NOT NULL
);
CREATE INDEX elo_ratings_team_year_idx ON ratings.elo_ratings (team, year);
COMMENT ON TABLE ratings.elo_ratings IS 'End-of-season Elo per team (school name) and season (year).';

CREATE TABLE ratings.fpi_ratings (
    year                                          bigint NOT NULL,
    team                                          varchar NOT NULL,
    conference                                    varchar,
    fpi                                           double precision,
    resume_ranks__strength_of_record              bigint,
    resume_ranks__fpi                             bigint,
    resume_ranks__average_win_probability         bigint,
    resume_ranks__strength_of_schedule            bigint,
    resume_ranks__game_control                    bigint,
    efficiencies__overall                         double precision,
    efficiencies__offense                         double precision,
    efficiencies__defense                         double precision,
    efficiencies__special_teams                   double precision,
    _dlt_load_id                                  varchar NOT NULL,
    _dlt_id                                       varchar NOT NULL,
    resume_ranks__remaining_strength_of_schedule  bigint
);
CREATE INDEX fpi_ratings_team_year_idx ON ratings.fpi_ratings (team, year);
COMMENT ON TABLE ratings.fpi_ratings IS 'ESPN FPI per team (school name) and season (year).';

CREATE TABLE ratings.srs_ratings (
    year          bigint NOT NULL,
    team          varchar NOT NULL,
    conference    varchar,
    ranking       bigint,
    rating        double precision,
    _dlt_load_id  varchar NOT NULL,
    _dlt_id       varchar NOT NULL,
    division      varchar
);
COMMENT ON TABLE ratings.srs_ratings IS 'SRS per team (school name) and season (year).';

-- INFERRED: UPSTREAM lists no columns for this table; they follow CFBD's
-- PregameWinProbability model (/metrics/wp/pregame) in dlt naming. spread is float8
-- (upstream 009 folded its variant column).
CREATE TABLE metrics.pregame_win_probability (
    season                bigint,
    season_type           varchar,
    week                  bigint,
    game_id               bigint NOT NULL,
    home_team             varchar,
    away_team             varchar,
    spread                double precision,
    home_win_probability  double precision,
    _dlt_load_id          varchar NOT NULL,
    _dlt_id               varchar NOT NULL
);
CREATE INDEX pregame_win_probability_game_id_idx ON metrics.pregame_win_probability (game_id);
COMMENT ON TABLE metrics.pregame_win_probability IS 'Pregame home win probability per game (CFBD /metrics/wp/pregame, dlt merge on game_id).';
