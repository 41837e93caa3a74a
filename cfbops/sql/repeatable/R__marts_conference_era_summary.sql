-- Per conference and era: team EPA averages (seasons with play-by-play, 2004 on) and
-- results outside the conference (non-conference and postseason games). Eras:
-- pre_bcs (to 1997), bcs (1998-2013), cfp (2014-2023), cfp_12 (2024 on).
DROP MATERIALIZED VIEW IF EXISTS marts.conference_era_summary CASCADE;

CREATE MATERIALIZED VIEW marts.conference_era_summary AS
WITH epa AS (
    SELECT
        tes.conference,
        CASE WHEN tes.season <= 1997 THEN 'pre_bcs' WHEN tes.season <= 2013 THEN 'bcs'
             WHEN tes.season <= 2023 THEN 'cfp' ELSE 'cfp_12' END AS era,
        count(*)::integer AS team_seasons,
        count(DISTINCT tes.team_id)::integer AS teams,
        avg(tes.off_epa_per_play) AS avg_off_epa_per_play,
        avg(tes.def_epa_per_play) AS avg_def_epa_per_play,
        avg(tes.net_epa_per_play) AS avg_net_epa_per_play,
        avg(tes.off_success_rate) AS avg_off_success_rate
    FROM marts.team_epa_season AS tes
    WHERE tes.conference IS NOT NULL
    GROUP BY 1, 2
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
        conference,
        CASE WHEN season <= 1997 THEN 'pre_bcs' WHEN season <= 2013 THEN 'bcs'
             WHEN season <= 2023 THEN 'cfp' ELSE 'cfp_12' END AS era,
        min(season) AS first_season,
        max(season) AS last_season,
        count(*) FILTER (WHERE NOT conference_game)::integer AS non_conference_games,
        count(*) FILTER (WHERE NOT conference_game AND points_for > points_against)::integer AS non_conference_wins,
        count(*) FILTER (WHERE season_type = 'postseason')::integer AS postseason_games,
        count(*) FILTER (WHERE season_type = 'postseason' AND points_for > points_against)::integer AS postseason_wins
    FROM sides
    WHERE conference IS NOT NULL
    GROUP BY 1, 2
)
SELECT
    coalesce(r.conference, e.conference) AS conference,
    coalesce(r.era, e.era) AS era,
    r.first_season,
    r.last_season,
    coalesce(e.team_seasons, 0) AS team_seasons,
    coalesce(e.teams, 0) AS teams,
    e.avg_off_epa_per_play,
    e.avg_def_epa_per_play,
    e.avg_net_epa_per_play,
    e.avg_off_success_rate,
    coalesce(r.non_conference_games, 0) AS non_conference_games,
    coalesce(r.non_conference_wins, 0) AS non_conference_wins,
    r.non_conference_wins::numeric / nullif(r.non_conference_games, 0) AS non_conference_win_pct,
    coalesce(r.postseason_games, 0) AS postseason_games,
    coalesce(r.postseason_wins, 0) AS postseason_wins
FROM results AS r
FULL JOIN epa AS e ON e.conference = r.conference AND e.era = r.era;

CREATE UNIQUE INDEX conference_era_summary_conference_era_key ON marts.conference_era_summary (conference, era);

COMMENT ON MATERIALIZED VIEW marts.conference_era_summary IS
    'Per conference and era (pre_bcs, bcs 1998-2013, cfp 2014-2023, cfp_12 2024-): team-season EPA averages, non-conference record and win pct, postseason record.';
