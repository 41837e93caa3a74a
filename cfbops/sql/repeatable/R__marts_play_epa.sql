-- Per-play EPA (ppa) with the play's category and situation flags. Team ids come from
-- the game (offense/defense are school names, which repeat across ids); they stay
-- null when both sides carry the same name, as nothing tells the sides apart then.
-- epa is numeric (exact) so the marts summing it are pure functions of their input.
DROP MATERIALIZED VIEW IF EXISTS marts.play_epa CASCADE;

CREATE MATERIALIZED VIEW marts.play_epa AS
SELECT
    p.season,
    p.id AS play_id,
    p.game_id,
    p.drive_id,
    g.week,
    g.season_type,
    p.offense,
    CASE WHEN p.offense <> p.defense THEN
        CASE p.offense WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END
    END AS offense_id,
    p.defense,
    CASE WHEN p.offense <> p.defense THEN
        CASE p.defense WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END
    END AS defense_id,
    p.period,
    p.down,
    p.distance,
    p.yards_to_goal,
    p.yards_gained,
    p.play_type,
    c.play_category,
    c.play_category IN ('pass', 'rush', 'fumble') AND p.down BETWEEN 1 AND 4 AS is_scrimmage,
    marts.is_successful_play(p.down, p.distance, p.yards_gained) AS is_success,
    marts.is_passing_down(p.down, p.distance) AS is_passing_down,
    p.yards_to_goal <= 20 AS is_red_zone,
    p.ppa::numeric AS epa
FROM core.plays AS p
LEFT JOIN core.games AS g ON g.id = p.game_id
CROSS JOIN LATERAL (SELECT marts.play_category(p.play_type) AS play_category) AS c
WHERE p.ppa IS NOT NULL;

CREATE UNIQUE INDEX play_epa_season_play_id_key ON marts.play_epa (season, play_id);
CREATE INDEX play_epa_offense_id_season_idx ON marts.play_epa (offense_id, season);

COMMENT ON MATERIALIZED VIEW marts.play_epa IS
    'One row per play with a ppa: EPA, play category, success (by down and distance), passing-down and red-zone flags, team ids resolved through the game.';
