-- Per game, team, player and role, as upstream's: the EPA of the plays outside garbage
-- time a player took part in for the offense, by role from stats.play_stats' stat types
-- (passing: Completion, Incompletion, Interception Thrown, Sack Taken; rushing: Rush;
-- receiving: Reception, Target). A player credited twice on one play in one role
-- (Reception and Target) counts the play once; a role needs 3 plays in the game to make
-- a row. success = a positive EPA, explosive = an EPA over 0.5. The player's name is the
-- one play_stats gives with those plays. The plays and credits come joined from
-- marts.play_credits. cfbops's per-athlete form (all scrimmage plays, roles summed) is
-- marts.athlete_game_epa.
DROP MATERIALIZED VIEW IF EXISTS marts.player_game_epa CASCADE;

CREATE MATERIALIZED VIEW marts.player_game_epa AS
SELECT
    game_id,
    season,
    offense::varchar AS team,
    max(last_name_seen)::text AS player_name,
    role AS play_category,
    count(*) AS plays,
    sum(epa)::numeric(8,2) AS total_epa,
    avg(epa)::numeric(6,4) AS epa_per_play,
    avg(success)::numeric(5,3) AS success_rate,
    sum(explosive) AS explosive_plays,
    sum(yards_gained) AS total_yards,
    athlete_id
FROM marts.play_credits
WHERE for_offense AND NOT is_garbage_time
GROUP BY game_id, season, offense, athlete_id, role
HAVING count(*) >= 3;

CREATE UNIQUE INDEX player_game_epa_game_team_athlete_category_key
    ON marts.player_game_epa (game_id, team, athlete_id, play_category);

COMMENT ON MATERIALIZED VIEW marts.player_game_epa IS
    'Per game, team, athlete and role (passing, rushing, receiving; 3 plays or more), upstream''s shape: plays outside garbage time, total and per-play EPA, success rate (EPA > 0), explosive plays (EPA > 0.5), yards. cfbops''s per-athlete form is marts.athlete_game_epa.';
COMMENT ON COLUMN marts.player_game_epa.athlete_id IS
    'CFBD athlete id (upstream''s HEAD column): the same player key as core.roster.id.';
