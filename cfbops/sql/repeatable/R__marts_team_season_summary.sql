-- Per team id and season: record, points, ppg, and the season's ratings and
-- recruiting class. A game counts once it is completed AND both scores are known
-- (some completed games have null scores). Ratings and recruiting are keyed by school
-- name; a name shared by several ids is attached only to the id ref.school_names
-- resolves it to, so one rating never lands on two teams.
DROP MATERIALIZED VIEW IF EXISTS marts.team_season_summary CASCADE;

CREATE MATERIALIZED VIEW marts.team_season_summary AS
WITH team_games AS (
    SELECT g.id AS game_id, g.season, g.start_date, g.conference_game, g.season_type,
           g.home_id AS team_id, g.home_team AS team, g.home_conference AS conference,
           g.home_classification AS classification,
           g.home_points AS points_for, g.away_points AS points_against,
           g.completed AND g.home_points IS NOT NULL AND g.away_points IS NOT NULL AS is_scored
    FROM core.games AS g
    WHERE g.home_id IS NOT NULL
    UNION ALL
    SELECT g.id, g.season, g.start_date, g.conference_game, g.season_type,
           g.away_id, g.away_team, g.away_conference, g.away_classification,
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
        (array_agg(classification ORDER BY start_date DESC NULLS LAST, game_id DESC))[1] AS classification,
        count(*)::integer AS games_scheduled,
        count(*) FILTER (WHERE is_scored)::integer AS games,
        count(*) FILTER (WHERE is_scored AND points_for > points_against)::integer AS wins,
        count(*) FILTER (WHERE is_scored AND points_for < points_against)::integer AS losses,
        count(*) FILTER (WHERE is_scored AND points_for = points_against)::integer AS ties,
        count(*) FILTER (WHERE is_scored AND conference_game AND points_for > points_against)::integer AS conference_wins,
        count(*) FILTER (WHERE is_scored AND conference_game AND points_for < points_against)::integer AS conference_losses,
        count(*) FILTER (WHERE is_scored AND season_type = 'postseason' AND points_for > points_against)::integer AS postseason_wins,
        coalesce(sum(points_for) FILTER (WHERE is_scored), 0)::integer AS points_for,
        coalesce(sum(points_against) FILTER (WHERE is_scored), 0)::integer AS points_against
    FROM team_games
    GROUP BY team_id, season
)
SELECT
    r.team_id,
    r.season,
    r.team,
    r.conference,
    r.classification,
    r.games_scheduled,
    r.games,
    r.wins,
    r.losses,
    r.ties,
    r.conference_wins,
    r.conference_losses,
    r.postseason_wins,
    (r.wins + 0.5 * r.ties) / nullif(r.games, 0) AS win_pct,
    r.points_for,
    r.points_against,
    r.points_for::numeric / nullif(r.games, 0) AS ppg,
    r.points_against::numeric / nullif(r.games, 0) AS opp_ppg,
    (r.points_for - r.points_against)::numeric / nullif(r.games, 0) AS margin_per_game,
    sp.rating AS sp_rating,
    sp.ranking AS sp_ranking,
    sp.offense__rating AS sp_offense,
    sp.defense__rating AS sp_defense,
    elo.elo,
    fpi.fpi,
    tr.rank AS recruiting_rank,
    tr.points AS recruiting_points
FROM season_record AS r
LEFT JOIN ref.school_names AS sn
    ON sn.school = r.team
LEFT JOIN ratings.sp_ratings AS sp
    ON sp.team = r.team AND sp.year = r.season AND sn.team_id IS NOT DISTINCT FROM r.team_id
LEFT JOIN ratings.elo_ratings AS elo
    ON elo.team = r.team AND elo.year = r.season AND sn.team_id IS NOT DISTINCT FROM r.team_id
LEFT JOIN ratings.fpi_ratings AS fpi
    ON fpi.team = r.team AND fpi.year = r.season AND sn.team_id IS NOT DISTINCT FROM r.team_id
LEFT JOIN recruiting.team_recruiting AS tr
    ON tr.team = r.team AND tr.year = r.season AND sn.team_id IS NOT DISTINCT FROM r.team_id;

CREATE UNIQUE INDEX team_season_summary_team_id_season_key ON marts.team_season_summary (team_id, season);

COMMENT ON MATERIALIZED VIEW marts.team_season_summary IS
    'Per team id and season: record (completed games with both scores), win_pct (ties count half), points and ppg, SP+ (overall, offense, defense)/Elo/FPI and recruiting class of that season.';
