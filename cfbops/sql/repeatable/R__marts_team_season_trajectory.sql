-- Per team id and season: change from the previous season (win pct, net EPA) and the
-- recruiting behind it (this class and the three-class average), with a trend label.
DROP MATERIALIZED VIEW IF EXISTS marts.team_season_trajectory CASCADE;

CREATE MATERIALIZED VIEW marts.team_season_trajectory AS
WITH seasons AS (
    SELECT
        tss.team_id,
        tss.season,
        tss.team,
        tss.classification,
        tss.games,
        tss.win_pct,
        tes.net_epa_per_play,
        tr.rank AS recruiting_rank,
        lag(tss.season) OVER w AS prev_season,
        lag(tss.win_pct) OVER w AS prev_win_pct,
        lag(tes.net_epa_per_play) OVER w AS prev_net_epa_per_play
    FROM marts.team_season_summary AS tss
    LEFT JOIN marts.team_epa_season AS tes
        ON tes.team_id = tss.team_id AND tes.season = tss.season
    LEFT JOIN recruiting.team_recruiting AS tr
        ON tr.team = tss.team AND tr.year = tss.season
    WINDOW w AS (PARTITION BY tss.team_id ORDER BY tss.season)
)
SELECT
    s.team_id,
    s.season,
    s.team,
    s.classification,
    s.games,
    s.win_pct,
    CASE WHEN s.prev_season = s.season - 1 THEN s.prev_win_pct END AS prev_win_pct,
    CASE WHEN s.prev_season = s.season - 1 THEN s.win_pct - s.prev_win_pct END AS win_pct_change,
    s.net_epa_per_play,
    CASE WHEN s.prev_season = s.season - 1 THEN s.net_epa_per_play - s.prev_net_epa_per_play END AS net_epa_change,
    s.recruiting_rank,
    (SELECT avg(tr3.rank) FROM recruiting.team_recruiting AS tr3
      WHERE tr3.team = s.team AND tr3.year BETWEEN s.season - 2 AND s.season) AS recruiting_rank_3yr_avg,
    CASE
        WHEN s.prev_season IS DISTINCT FROM s.season - 1 THEN NULL
        WHEN coalesce(s.net_epa_per_play - s.prev_net_epa_per_play, 0) > 0.05
          OR coalesce(s.win_pct - s.prev_win_pct, 0) > 0.15 THEN 'rising'
        WHEN coalesce(s.net_epa_per_play - s.prev_net_epa_per_play, 0) < -0.05
          OR coalesce(s.win_pct - s.prev_win_pct, 0) < -0.15 THEN 'falling'
        ELSE 'steady'
    END AS trend
FROM seasons AS s;

CREATE UNIQUE INDEX team_season_trajectory_team_id_season_key ON marts.team_season_trajectory (team_id, season);

COMMENT ON MATERIALIZED VIEW marts.team_season_trajectory IS
    'Per team id and season: win pct and net EPA per play with their change from the previous season, recruiting rank and its three-class average, trend (rising/falling/steady; null without a previous season).';
