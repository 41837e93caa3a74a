-- Per team id and season with play-by-play (marts.team_epa_season). Upstream's columns
-- first, with its meaning: the season's EPA figures and tier, its record (win pct =
-- wins over wins and losses, 3 places), recruiting class, era (the first of the
-- season's eras by code: 2021-2023 are PLAYOFF_V1, 2024 on PLAYOFF_V2), the change from
-- the team's previous season on record and (upstream's HEAD) games, wins and the
-- offense's and defense's EPA rank within the season. cfbops's own columns follow: the
-- change from the season just before only, net EPA, the three-class recruiting average
-- and a trend label.
DROP MATERIALIZED VIEW IF EXISTS marts.team_season_trajectory CASCADE;

CREATE MATERIALIZED VIEW marts.team_season_trajectory AS
WITH seasons AS (
    SELECT
        tes.team_id,
        tes.season,
        tes.team,
        tes.epa_per_play,
        tes.success_rate,
        tes.epa_tier,
        tes.total_plays,
        tes.games_played,
        tes.classification,
        tes.net_epa_per_play,
        tes.def_epa_per_play,
        tss.games,
        tss.wins,
        tss.losses,
        tss.conf_wins,
        tss.conf_losses,
        tss.win_pct AS win_pct_ties_half,
        tr.rank AS recruiting_rank,
        tr.points AS recruiting_points,
        round(tss.wins::numeric / nullif(tss.wins + tss.losses, 0), 3) AS win_pct,
        tss.wins::numeric / nullif(tss.wins + tss.losses, 0) AS exact_win_pct
    FROM marts.team_epa_season AS tes
    LEFT JOIN marts.team_season_summary AS tss
        ON tss.team_id = tes.team_id AND tss.season = tes.season
    LEFT JOIN ref.school_names AS sn
        ON sn.school = tes.team
    LEFT JOIN recruiting.team_recruiting AS tr
        ON tr.team = tes.team AND tr.year = tes.season AND sn.team_id IS NOT DISTINCT FROM tes.team_id
),
changes AS (
    SELECT
        s.*,
        lag(s.season) OVER w AS prev_season,
        lag(s.epa_per_play) OVER w AS prev_epa,
        lag(s.exact_win_pct) OVER w AS prev_win_pct,
        lag(s.recruiting_rank) OVER w AS prev_recruiting_rank,
        lag(s.win_pct_ties_half) OVER w AS prev_win_pct_ties_half,
        lag(s.net_epa_per_play) OVER w AS prev_net_epa_per_play
    FROM seasons AS s
    WINDOW w AS (PARTITION BY s.team_id ORDER BY s.season)
)
SELECT
    c.team,
    c.season,
    c.epa_per_play,
    c.success_rate,
    c.epa_tier,
    c.total_plays,
    c.games_played,
    c.wins AS total_wins,
    c.losses AS total_losses,
    c.win_pct,
    c.conf_wins,
    c.conf_losses,
    c.recruiting_rank,
    c.recruiting_points,
    era.era_code,
    era.era_name,
    c.prev_epa,
    c.epa_per_play - c.prev_epa AS epa_delta,
    c.prev_win_pct,
    c.win_pct - c.prev_win_pct AS win_pct_delta,
    c.prev_recruiting_rank,
    c.prev_recruiting_rank - c.recruiting_rank AS recruiting_rank_improvement,
    c.games,
    c.wins,
    rank() OVER (PARTITION BY c.season ORDER BY c.epa_per_play DESC NULLS LAST)::integer AS off_epa_rank,
    rank() OVER (PARTITION BY c.season ORDER BY c.def_epa_per_play ASC NULLS LAST)::integer AS def_epa_rank,
    -- cfbops's columns
    c.team_id,
    c.classification,
    c.win_pct_ties_half,
    CASE WHEN c.prev_season = c.season - 1 THEN c.win_pct_ties_half - c.prev_win_pct_ties_half END AS win_pct_change,
    c.net_epa_per_play,
    CASE WHEN c.prev_season = c.season - 1 THEN c.net_epa_per_play - c.prev_net_epa_per_play END AS net_epa_change,
    (SELECT avg(tr3.rank) FROM recruiting.team_recruiting AS tr3
      WHERE tr3.team = c.team AND tr3.year BETWEEN c.season - 2 AND c.season) AS recruiting_rank_3yr_avg,
    CASE
        WHEN c.prev_season IS DISTINCT FROM c.season - 1 THEN NULL
        WHEN coalesce(c.net_epa_per_play - c.prev_net_epa_per_play, 0) > 0.05
          OR coalesce(c.win_pct_ties_half - c.prev_win_pct_ties_half, 0) > 0.15 THEN 'rising'
        WHEN coalesce(c.net_epa_per_play - c.prev_net_epa_per_play, 0) < -0.05
          OR coalesce(c.win_pct_ties_half - c.prev_win_pct_ties_half, 0) < -0.15 THEN 'falling'
        ELSE 'steady'
    END AS trend
FROM changes AS c
LEFT JOIN LATERAL (
    SELECT e.era_code, e.era_name FROM marts.season_eras(c.season) AS e ORDER BY e.era_code LIMIT 1
) AS era ON true;

CREATE UNIQUE INDEX team_season_trajectory_team_id_season_key ON marts.team_season_trajectory (team_id, season);

COMMENT ON MATERIALIZED VIEW marts.team_season_trajectory IS
    'Per team id and season with play-by-play: upstream''s EPA, tier, record, win pct (ties out), recruiting, era, changes from the previous season on record, games, wins and EPA ranks; then cfbops''s win pct with ties as half, changes from the season just before, net EPA, 3-class recruiting average and trend (rising/falling/steady; null without the season before).';
COMMENT ON COLUMN marts.team_season_trajectory.off_epa_rank IS
    'Rank of the season''s EPA per play among all teams that season (1 = best).';
COMMENT ON COLUMN marts.team_season_trajectory.def_epa_rank IS
    'Rank of the EPA per scrimmage play the defense allowed among all teams that season (1 = allowed least).';
