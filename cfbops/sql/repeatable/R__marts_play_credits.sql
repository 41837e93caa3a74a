-- Per play, player and role: the plays stats.play_stats credits a player with as passer
-- (Completion, Incompletion, Interception Thrown, Sack Taken), rusher (Rush) or receiver
-- (Reception, Target), with the play's EPA facts from marts.play_epa. A player credited
-- twice in one role on one play (Reception and Target) is one row. The join of the two
-- largest inputs, made once for marts.player_game_epa (upstream's per-role figures) and
-- marts.athlete_game_epa (cfbops's per-athlete ones), which each read it whole.
DROP MATERIALIZED VIEW IF EXISTS marts.play_credits CASCADE;

CREATE MATERIALIZED VIEW marts.play_credits AS
SELECT
    ps.game_id,
    ps.season,
    ps.play_id,
    ps.athlete_id,
    CASE
        WHEN ps.stat_type IN ('Completion', 'Incompletion', 'Interception Thrown', 'Sack Taken') THEN 'passing'
        WHEN ps.stat_type = 'Rush' THEN 'rushing'
        ELSE 'receiving'
    END AS role,
    min(ps.athlete_name) AS first_name_seen,
    max(ps.athlete_name) AS last_name_seen,
    min(ps.team) AS team,
    -- the play's side of the credit: the offense's players are credited with it
    bool_or(ps.team = pe.offense) AS for_offense,
    pe.offense,
    pe.epa,
    pe.success,
    pe.explosive,
    pe.yards_gained,
    pe.is_garbage_time,
    pe.is_scrimmage,
    pe.is_success
FROM stats.play_stats AS ps
JOIN marts.play_epa AS pe
    ON pe.season = ps.season AND pe.play_id = ps.play_id AND pe.game_id = ps.game_id
WHERE ps.stat_type IN ('Completion', 'Incompletion', 'Interception Thrown', 'Sack Taken',
                       'Rush', 'Reception', 'Target')
GROUP BY ps.game_id, ps.season, ps.play_id, ps.athlete_id, 5,
         pe.offense, pe.epa, pe.success, pe.explosive, pe.yards_gained, pe.is_garbage_time,
         pe.is_scrimmage, pe.is_success;

CREATE UNIQUE INDEX play_credits_season_play_id_athlete_id_role_key
    ON marts.play_credits (season, play_id, athlete_id, role);

COMMENT ON MATERIALIZED VIEW marts.play_credits IS
    'Per play, athlete and role (passing, rushing, receiving) credited in stats.play_stats: the names and team the credits give, whether the offense''s player was credited (for_offense), and the play''s EPA facts from marts.play_epa.';
