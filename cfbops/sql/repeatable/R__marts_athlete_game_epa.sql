-- cfbops's per-athlete form of upstream's marts.player_game_epa (which has a row per
-- role): per game and player, EPA of the scrimmage plays the player took part in as passer,
-- rusher or receiver (target), from stats.play_stats joined to marts.play_epa. A
-- player credited several times on one play (Reception + Target + Touchdown) counts
-- the play once.
DROP MATERIALIZED VIEW IF EXISTS marts.athlete_game_epa CASCADE;

CREATE MATERIALIZED VIEW marts.athlete_game_epa AS
WITH involvement AS (
    SELECT
        ps.game_id,
        ps.season,
        ps.play_id,
        ps.athlete_id,
        min(ps.athlete_name) AS athlete_name,
        min(ps.team) AS team,
        min(CASE
            WHEN ps.stat_type IN ('Completion', 'Incompletion', 'Sack Taken', 'Interception Thrown') THEN 'passer'
            WHEN ps.stat_type = 'Rush' THEN 'rusher'
            WHEN ps.stat_type IN ('Reception', 'Target') THEN 'receiver'
        END) AS role
    FROM stats.play_stats AS ps
    WHERE ps.stat_type IN ('Completion', 'Incompletion', 'Sack Taken', 'Interception Thrown',
                           'Rush', 'Reception', 'Target')
    GROUP BY ps.game_id, ps.season, ps.play_id, ps.athlete_id
)
SELECT
    i.game_id,
    i.athlete_id,
    i.season,
    min(i.athlete_name) AS athlete_name,
    min(i.team) AS team,
    count(*)::integer AS plays,
    sum(pe.epa) AS total_epa,
    avg(pe.epa) AS epa_per_play,
    count(*) FILTER (WHERE pe.is_success)::integer AS successful_plays,
    avg(coalesce(pe.is_success, false)::integer) AS success_rate,
    count(*) FILTER (WHERE i.role = 'passer')::integer AS pass_plays,
    coalesce(sum(pe.epa) FILTER (WHERE i.role = 'passer'), 0) AS pass_epa,
    count(*) FILTER (WHERE i.role = 'rusher')::integer AS rush_plays,
    coalesce(sum(pe.epa) FILTER (WHERE i.role = 'rusher'), 0) AS rush_epa,
    count(*) FILTER (WHERE i.role = 'receiver')::integer AS targets,
    coalesce(sum(pe.epa) FILTER (WHERE i.role = 'receiver'), 0) AS receiving_epa
FROM involvement AS i
JOIN marts.play_epa AS pe
    ON pe.season = i.season AND pe.play_id = i.play_id AND pe.game_id = i.game_id
WHERE pe.is_scrimmage
GROUP BY i.game_id, i.athlete_id, i.season;

CREATE UNIQUE INDEX athlete_game_epa_game_id_athlete_id_key ON marts.athlete_game_epa (game_id, athlete_id);

COMMENT ON MATERIALIZED VIEW marts.athlete_game_epa IS
    'Per game and athlete: scrimmage plays taken part in (as passer, rusher or target), total and per-play EPA, success rate, pass/rush/receiving EPA.';
