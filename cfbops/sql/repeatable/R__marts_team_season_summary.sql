-- Per team id and season. Upstream's columns first, with its meaning: the record of the
-- season's completed games, conference games being those between two teams of one
-- conference, points per game and margin rounded to one place, the season's SP+, Elo,
-- FPI, recruiting class and (upstream's HEAD) CFBD CORE ratings. cfbops's own columns
-- follow. A game counts once it is completed AND both scores are known (some completed
-- games have null scores). Ratings and recruiting are keyed by school name; a name shared
-- by several ids is attached only to the id ref.school_names resolves it to, so one
-- rating never lands on two teams.
DROP MATERIALIZED VIEW IF EXISTS marts.team_season_summary CASCADE;

CREATE MATERIALIZED VIEW marts.team_season_summary AS
WITH team_games AS (
    SELECT g.id AS game_id, g.season, g.start_date, g.conference_game, g.season_type,
           g.home_id AS team_id, g.home_team AS team, g.home_conference AS conference,
           g.home_classification AS classification,
           g.home_conference = g.away_conference AS same_conference,
           g.home_points AS points_for, g.away_points AS points_against,
           g.completed AND g.home_points IS NOT NULL AND g.away_points IS NOT NULL AS is_scored
    FROM core.games AS g
    WHERE g.home_id IS NOT NULL
    UNION ALL
    SELECT g.id, g.season, g.start_date, g.conference_game, g.season_type,
           g.away_id, g.away_team, g.away_conference, g.away_classification,
           g.home_conference = g.away_conference,
           g.away_points, g.home_points,
           g.completed AND g.home_points IS NOT NULL AND g.away_points IS NOT NULL
    FROM core.games AS g
    WHERE g.away_id IS NOT NULL
),
season_record AS (
    SELECT
        team_id,
        season,
        (array_agg(team ORDER BY start_date DESC NULLS LAST, game_id DESC))[1] AS team,
        (array_agg(conference ORDER BY start_date DESC NULLS LAST, game_id DESC))[1] AS conference,
        mode() WITHIN GROUP (ORDER BY classification) AS classification,
        count(*)::integer AS games_scheduled,
        count(*) FILTER (WHERE is_scored)::integer AS games,
        count(*) FILTER (WHERE is_scored AND points_for > points_against)::integer AS wins,
        count(*) FILTER (WHERE is_scored AND points_for < points_against)::integer AS losses,
        count(*) FILTER (WHERE is_scored AND points_for = points_against)::integer AS ties,
        count(*) FILTER (WHERE is_scored AND same_conference AND points_for > points_against)::integer AS conf_wins,
        count(*) FILTER (WHERE is_scored AND same_conference AND points_for < points_against)::integer AS conf_losses,
        count(*) FILTER (WHERE is_scored AND conference_game AND points_for > points_against)::integer AS conference_wins,
        count(*) FILTER (WHERE is_scored AND conference_game AND points_for < points_against)::integer AS conference_losses,
        count(*) FILTER (WHERE is_scored AND season_type = 'postseason' AND points_for > points_against)::integer AS postseason_wins,
        coalesce(sum(points_for) FILTER (WHERE is_scored), 0)::integer AS points_for,
        coalesce(sum(points_against) FILTER (WHERE is_scored), 0)::integer AS points_against
    FROM team_games
    GROUP BY team_id, season
)
SELECT
    r.team,
    r.conference::text AS conference,
    r.season,
    r.games,
    r.wins,
    r.losses,
    r.conf_wins,
    r.conf_losses,
    round(r.points_for::numeric / nullif(r.games, 0), 1) AS ppg,
    round(r.points_against::numeric / nullif(r.games, 0), 1) AS opp_ppg,
    round((r.points_for - r.points_against)::numeric / nullif(r.games, 0), 1) AS avg_margin,
    sp.rating AS sp_rating,
    sp.ranking AS sp_rank,
    sp.offense__rating AS sp_offense,
    sp.defense__rating AS sp_defense,
    elo.elo,
    fpi.fpi,
    tr.rank AS recruiting_rank,
    tr.points AS recruiting_points,
    round(core.overall)::bigint AS core_overall,
    core.offense::varchar AS core_offense,
    core.defense::varchar AS core_defense,
    -- cfbops's columns
    r.team_id,
    coalesce(r.classification, t.classification) AS classification,
    r.games_scheduled,
    r.ties,
    r.conference_wins,
    r.conference_losses,
    r.postseason_wins,
    (r.wins + 0.5 * r.ties) / nullif(r.games, 0) AS win_pct,
    r.points_for,
    r.points_against,
    (r.points_for - r.points_against)::numeric / nullif(r.games, 0) AS margin_per_game
FROM season_record AS r
LEFT JOIN ref.teams AS t
    ON t.id = r.team_id
LEFT JOIN ref.school_names AS sn
    ON sn.school = r.team
LEFT JOIN ratings.sp_ratings AS sp
    ON sp.team = r.team AND sp.year = r.season AND sn.team_id IS NOT DISTINCT FROM r.team_id
LEFT JOIN ratings.elo_ratings AS elo
    ON elo.team = r.team AND elo.year = r.season AND sn.team_id IS NOT DISTINCT FROM r.team_id
LEFT JOIN ratings.fpi_ratings AS fpi
    ON fpi.team = r.team AND fpi.year = r.season AND sn.team_id IS NOT DISTINCT FROM r.team_id
LEFT JOIN recruiting.team_recruiting AS tr
    ON tr.team = r.team AND tr.year = r.season AND sn.team_id IS NOT DISTINCT FROM r.team_id
LEFT JOIN marts.team_core_ratings() AS core
    ON core.team = r.team AND core.season = r.season AND sn.team_id IS NOT DISTINCT FROM r.team_id;

CREATE UNIQUE INDEX team_season_summary_team_id_season_key ON marts.team_season_summary (team_id, season);

COMMENT ON MATERIALIZED VIEW marts.team_season_summary IS
    'Per team id and season: upstream''s record (completed games with both scores; conf_* between teams of one conference), ppg/opp_ppg/avg_margin (1 place), SP+/Elo/FPI, recruiting and CORE ratings; then cfbops''s team_id, classification, ties, win_pct (ties count half), points and exact margin.';
COMMENT ON COLUMN marts.team_season_summary.conf_wins IS
    'Wins in games between two teams of the same conference (upstream''s meaning); conference_wins counts games CFBD flags conference_game.';
COMMENT ON COLUMN marts.team_season_summary.core_overall IS
    'CFBD CORE overall rating (2016 on) rounded to a whole number, from ratings.core_ratings where that table exists; null where it does not (this warehouse''s migrations do not load it). Typed as upstream''s warehouse holds it.';
COMMENT ON COLUMN marts.team_season_summary.core_offense IS
    'CFBD CORE offense rating (higher is better) as text, from ratings.core_ratings where that table exists; null where it does not. Typed as upstream''s warehouse holds it.';
COMMENT ON COLUMN marts.team_season_summary.core_defense IS
    'CFBD CORE defense rating (lower is better) as text, from ratings.core_ratings where that table exists; null where it does not. Typed as upstream''s warehouse holds it.';
COMMENT ON COLUMN marts.team_season_summary.classification IS
    'The classification the team carried in most of the season''s games (ref.teams'' when the games do not say).';
