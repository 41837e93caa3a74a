-- cfbops's per-athlete form of upstream's marts.player_game_epa (which has a row per
-- role): per game and player, EPA of the scrimmage plays the player took part in as passer,
-- rusher or receiver (target), from stats.play_stats joined to marts.play_epa (as
-- marts.play_credits holds them). A
-- player credited several times on one play (Reception + Target + Touchdown) counts
-- the play once.
DROP MATERIALIZED VIEW IF EXISTS marts.athlete_game_epa CASCADE;

CREATE MATERIALIZED VIEW marts.athlete_game_epa AS
WITH involvement AS (
    -- one row per play and player; a player in two roles on a play takes the first
    -- of passer, receiver, rusher by name
    SELECT
        game_id,
        season,
        play_id,
        athlete_id,
        min(first_name_seen) AS athlete_name,
        min(team) AS team,
        min(CASE role WHEN 'passing' THEN 'passer' WHEN 'rushing' THEN 'rusher'
                      ELSE 'receiver' END) AS role,
        min(epa) AS epa,
        bool_and(is_success) AS is_success
    FROM marts.play_credits
    WHERE is_scrimmage
    GROUP BY game_id, season, play_id, athlete_id
)
SELECT
    i.game_id,
    i.athlete_id,
    i.season,
    min(i.athlete_name) AS athlete_name,
    min(i.team) AS team,
    count(*)::integer AS plays,
    sum(i.epa) AS total_epa,
    avg(i.epa) AS epa_per_play,
    count(*) FILTER (WHERE i.is_success)::integer AS successful_plays,
    avg(coalesce(i.is_success, false)::integer) AS success_rate,
    count(*) FILTER (WHERE i.role = 'passer')::integer AS pass_plays,
    coalesce(sum(i.epa) FILTER (WHERE i.role = 'passer'), 0) AS pass_epa,
    count(*) FILTER (WHERE i.role = 'rusher')::integer AS rush_plays,
    coalesce(sum(i.epa) FILTER (WHERE i.role = 'rusher'), 0) AS rush_epa,
    count(*) FILTER (WHERE i.role = 'receiver')::integer AS targets,
    coalesce(sum(i.epa) FILTER (WHERE i.role = 'receiver'), 0) AS receiving_epa
FROM involvement AS i
GROUP BY i.game_id, i.athlete_id, i.season;

CREATE UNIQUE INDEX athlete_game_epa_game_id_athlete_id_key ON marts.athlete_game_epa (game_id, athlete_id);

COMMENT ON MATERIALIZED VIEW marts.athlete_game_epa IS
    'Per game and athlete: scrimmage plays taken part in (as passer, rusher or target), total and per-play EPA, success rate, pass/rush/receiving EPA.';
