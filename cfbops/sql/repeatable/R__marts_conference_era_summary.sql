-- Per era and conference, as upstream's: eras are upstream's (marts.season_eras; a
-- season may be in two), a conference-season is the mean EPA per play and success rate
-- of its teams' seasons (marts.team_epa_season), and the era figures are the means of
-- its conference-seasons, with the best and worst season and the conference's rank
-- within the era by mean EPA. cfbops's own columns follow, over the same era: the
-- play-weighted offensive, defensive and net EPA of the teams' seasons, and results
-- outside the conference (non-conference and postseason games).
DROP MATERIALIZED VIEW IF EXISTS marts.conference_era_summary CASCADE;

CREATE MATERIALIZED VIEW marts.conference_era_summary AS
WITH conference_seasons AS (
    SELECT
        e.era_code,
        e.era_name,
        t.season,
        t.conference,
        avg(t.epa_per_play) AS avg_epa,
        avg(t.success_rate) AS avg_success_rate,
        count(DISTINCT t.team_id) AS teams,
        avg(t.off_epa_per_play) AS avg_off_epa_per_play,
        avg(t.def_epa_per_play) AS avg_def_epa_per_play,
        avg(t.net_epa_per_play) AS avg_net_epa_per_play
    FROM marts.team_epa_season AS t
    CROSS JOIN LATERAL marts.season_eras(t.season) AS e
    WHERE t.conference IS NOT NULL AND t.conference <> ''
    GROUP BY e.era_code, e.era_name, t.season, t.conference
),
sides AS (
    SELECT g.season, g.conference_game, g.season_type,
           g.home_conference AS conference,
           g.home_points AS points_for, g.away_points AS points_against
    FROM core.games AS g
    WHERE g.completed AND g.home_points IS NOT NULL AND g.away_points IS NOT NULL
    UNION ALL
    SELECT g.season, g.conference_game, g.season_type,
           g.away_conference, g.away_points, g.home_points
    FROM core.games AS g
    WHERE g.completed AND g.home_points IS NOT NULL AND g.away_points IS NOT NULL
),
results AS (
    SELECT
        e.era_code,
        s.conference,
        count(*) FILTER (WHERE NOT s.conference_game)::integer AS non_conference_games,
        count(*) FILTER (WHERE NOT s.conference_game AND s.points_for > s.points_against)::integer AS non_conference_wins,
        count(*) FILTER (WHERE s.season_type = 'postseason')::integer AS postseason_games,
        count(*) FILTER (WHERE s.season_type = 'postseason' AND s.points_for > s.points_against)::integer AS postseason_wins
    FROM sides AS s
    CROSS JOIN LATERAL marts.season_eras(s.season) AS e
    WHERE s.conference IS NOT NULL
    GROUP BY e.era_code, s.conference
),
eras AS (
    SELECT
        era_code,
        era_name,
        conference,
        count(DISTINCT season) AS seasons,
        avg(avg_epa) AS avg_epa,
        avg(avg_success_rate) AS avg_success_rate,
        avg(teams) AS avg_teams,
        max(avg_epa) AS best_season_epa,
        min(avg_epa) AS worst_season_epa,
        min(season) AS first_season,
        max(season) AS last_season,
        avg(avg_off_epa_per_play) AS avg_off_epa_per_play,
        avg(avg_def_epa_per_play) AS avg_def_epa_per_play,
        avg(avg_net_epa_per_play) AS avg_net_epa_per_play
    FROM conference_seasons
    GROUP BY era_code, era_name, conference
)
SELECT
    e.era_code,
    e.era_name,
    e.conference,
    e.seasons,
    e.avg_epa::numeric(6,4) AS avg_epa,
    e.avg_success_rate::numeric(5,3) AS avg_success_rate,
    e.avg_teams::numeric(4,1) AS avg_teams,
    e.best_season_epa::numeric(6,4) AS best_season_epa,
    e.worst_season_epa::numeric(6,4) AS worst_season_epa,
    rank() OVER (PARTITION BY e.era_code ORDER BY e.avg_epa DESC NULLS LAST) AS era_rank,
    -- cfbops's columns
    e.first_season,
    e.last_season,
    e.avg_off_epa_per_play,
    e.avg_def_epa_per_play,
    e.avg_net_epa_per_play,
    coalesce(r.non_conference_games, 0) AS non_conference_games,
    coalesce(r.non_conference_wins, 0) AS non_conference_wins,
    r.non_conference_wins::numeric / nullif(r.non_conference_games, 0) AS non_conference_win_pct,
    coalesce(r.postseason_games, 0) AS postseason_games,
    coalesce(r.postseason_wins, 0) AS postseason_wins
FROM eras AS e
LEFT JOIN results AS r ON r.era_code = e.era_code AND r.conference = e.conference;

CREATE UNIQUE INDEX conference_era_summary_era_code_conference_key
    ON marts.conference_era_summary (era_code, conference);

COMMENT ON MATERIALIZED VIEW marts.conference_era_summary IS
    'Per era (upstream''s: BCS 2004-2013, PLAYOFF_V1 2014-2023, PORTAL_NIL 2021-, PLAYOFF_V2 2024-) and conference: upstream''s mean team EPA and success rate, mean teams, best/worst season EPA and rank within the era; then cfbops''s play-weighted offensive/defensive/net EPA, non-conference and postseason records.';
