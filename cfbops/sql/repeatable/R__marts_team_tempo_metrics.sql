-- Per team id and season since 2014 with 5 games or more, as upstream's: the offense's
-- plays outside garbage time (administrative plays and kickoffs left out), games, plays
-- per game and its tempo tier, and the season's EPA figures (marts.team_epa_season).
-- cfbops's own columns follow, on scrimmage snaps: snaps per game, seconds of game clock
-- between consecutive snaps of the same drive and period (gaps over 60 s are clock errors
-- or breaks and are ignored), the pace rank within season and classification, and the
-- offense's scrimmage EPA per play and per game at that pace.
DROP MATERIALIZED VIEW IF EXISTS marts.team_tempo_metrics CASCADE;

CREATE MATERIALIZED VIEW marts.team_tempo_metrics AS
WITH plays AS (
    SELECT
        p.season,
        p.game_id,
        p.offense AS team,
        CASE p.offense WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END AS team_id,
        NOT coalesce(marts.is_garbage_time(p.period, p.score_diff), false) AS is_competitive,
        p.down BETWEEN 1 AND 4
            AND marts.play_category(p.play_type) IN ('pass', 'rush', 'fumble') AS is_scrimmage,
        p.clock__minutes * 60 + p.clock__seconds AS clock_seconds,
        p.drive_id,
        p.period,
        p.play_number,
        p.id
    FROM core.plays AS p
    JOIN core.games AS g ON g.id = p.game_id
    WHERE p.season >= 2014
      AND p.play_type NOT IN ('Timeout', 'End Period', 'End of Half', 'End of Game', 'Kickoff')
      AND p.offense <> p.defense  -- two teams sharing a name: sides cannot be told apart
),
snaps AS (
    SELECT
        pl.*,
        CASE WHEN pl.is_scrimmage THEN
            pl.clock_seconds - lead(pl.clock_seconds) OVER (
                PARTITION BY pl.game_id, pl.drive_id, pl.period, pl.is_scrimmage
                ORDER BY pl.play_number, pl.id)
        END AS seconds_to_next_snap
    FROM plays AS pl
),
-- Summed per game first, then per season: the game counts are then counts, where a
-- count(DISTINCT) would sort every play.
games AS (
    SELECT
        team_id,
        season,
        game_id,
        min(team) AS team,
        count(*) FILTER (WHERE is_competitive) AS competitive_plays,
        count(*) FILTER (WHERE is_scrimmage) AS snaps,
        sum(seconds_to_next_snap) FILTER (WHERE seconds_to_next_snap BETWEEN 0 AND 60) AS snap_seconds,
        count(seconds_to_next_snap) FILTER (WHERE seconds_to_next_snap BETWEEN 0 AND 60) AS timed_snaps
    FROM snaps
    WHERE team_id IS NOT NULL
    GROUP BY team_id, season, game_id
),
pace AS (
    SELECT
        team_id,
        season,
        min(team)::varchar AS team,
        count(*) FILTER (WHERE competitive_plays > 0) AS games,
        sum(competitive_plays) AS total_plays,
        count(*) FILTER (WHERE snaps > 0)::integer AS snap_games,
        sum(snaps)::integer AS offensive_plays,
        -- a mean over every timed snap: the sum over the count, as avg() computes it
        sum(snap_seconds) / nullif(sum(timed_snaps), 0) AS seconds_per_play
    FROM games
    GROUP BY team_id, season
)
SELECT
    pc.season,
    pc.team,
    pc.games,
    pc.total_plays,
    round(pc.total_plays::numeric / pc.games, 1) AS plays_per_game,
    CASE
        WHEN pc.total_plays::numeric / pc.games >= 75 THEN 'up_tempo'
        WHEN pc.total_plays::numeric / pc.games >= 65 THEN 'balanced'
        ELSE 'slow'
    END AS tempo_tier,
    tes.epa_per_play,
    tes.success_rate,
    tes.explosiveness,
    -- cfbops's columns
    pc.team_id,
    tes.classification,
    pc.offensive_plays,
    pc.offensive_plays::double precision / nullif(pc.snap_games, 0) AS snaps_per_game,
    pc.seconds_per_play,
    rank() OVER (PARTITION BY pc.season, tes.classification
                 ORDER BY pc.offensive_plays::double precision / nullif(pc.snap_games, 0) DESC NULLS LAST)::integer AS pace_rank,
    tes.off_epa_per_play,
    tes.off_epa_per_play * pc.offensive_plays / nullif(pc.snap_games, 0) AS off_epa_per_game
FROM pace AS pc
LEFT JOIN marts.team_epa_season AS tes
    ON tes.team_id = pc.team_id AND tes.season = pc.season
WHERE pc.games >= 5;

CREATE UNIQUE INDEX team_tempo_metrics_team_id_season_key ON marts.team_tempo_metrics (team_id, season);

COMMENT ON MATERIALIZED VIEW marts.team_tempo_metrics IS
    'Per team id and season since 2014 with 5+ games: upstream''s plays outside garbage time, games, plays per game and tempo tier (up_tempo 75+, balanced 65+, slow), EPA per play, success rate, explosiveness; then cfbops''s scrimmage snaps per game, seconds of game clock per play within drives, pace rank within season and classification (1 = most snaps per game), scrimmage EPA per play and per game.';
