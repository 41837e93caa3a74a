-- Per team id and season: offensive tempo. plays_per_game counts scrimmage snaps;
-- seconds_per_play is the mean game-clock time between consecutive snaps of the same
-- drive and period (gaps over 60 s are clock errors or breaks and are ignored).
-- EPA per play comes from team_epa_season, giving EPA per game at that pace.
DROP MATERIALIZED VIEW IF EXISTS marts.team_tempo_metrics CASCADE;

CREATE MATERIALIZED VIEW marts.team_tempo_metrics AS
WITH snaps AS (
    SELECT
        p.season,
        p.game_id,
        p.offense AS team,
        CASE p.offense WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END AS team_id,
        p.clock__minutes * 60 + p.clock__seconds
            - lead(p.clock__minutes * 60 + p.clock__seconds)
                  OVER (PARTITION BY p.game_id, p.drive_id, p.period
                        ORDER BY p.play_number, p.id) AS seconds_to_next_snap
    FROM core.plays AS p
    JOIN core.games AS g ON g.id = p.game_id
    WHERE p.down BETWEEN 1 AND 4
      AND p.offense <> p.defense  -- two teams sharing a name: sides cannot be told apart
      AND marts.play_category(p.play_type) IN ('pass', 'rush', 'fumble')
),
pace AS (
    SELECT
        team_id,
        season,
        min(team) AS team,
        count(DISTINCT game_id)::integer AS games,
        count(*)::integer AS offensive_plays,
        avg(seconds_to_next_snap) FILTER (WHERE seconds_to_next_snap BETWEEN 0 AND 60) AS seconds_per_play
    FROM snaps
    WHERE team_id IS NOT NULL
    GROUP BY team_id, season
)
SELECT
    pc.team_id,
    pc.season,
    pc.team,
    tes.classification,
    pc.games,
    pc.offensive_plays,
    pc.offensive_plays::double precision / pc.games AS plays_per_game,
    pc.seconds_per_play,
    rank() OVER (PARTITION BY pc.season, tes.classification
                 ORDER BY pc.offensive_plays::double precision / pc.games DESC)::integer AS pace_rank,
    tes.off_epa_per_play,
    tes.off_epa_per_play * pc.offensive_plays / pc.games AS off_epa_per_game
FROM pace AS pc
LEFT JOIN marts.team_epa_season AS tes
    ON tes.team_id = pc.team_id AND tes.season = pc.season;

CREATE UNIQUE INDEX team_tempo_metrics_team_id_season_key ON marts.team_tempo_metrics (team_id, season);

COMMENT ON MATERIALIZED VIEW marts.team_tempo_metrics IS
    'Per team id and season: offensive scrimmage plays per game, seconds of game clock per play within drives, pace rank within season and classification (1 = most plays per game), offensive EPA per play and per game.';
