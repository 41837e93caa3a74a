-- One row per play with a ppa, except the administrative plays and kickoffs upstream
-- leaves out. Upstream's columns first, with its meaning: success = a positive ppa,
-- explosive = a ppa over 0.5, down / distance / field-position buckets, garbage time,
-- and its coarse play_category (marts.rush_pass_category). cfbops's own columns follow:
-- team ids from the game (school names repeat across ids; null when both sides carry
-- the same name, as nothing tells the sides apart then), cfbops's finer play_kind
-- (marts.play_category) and the flags its marts filter on. epa is numeric (exact), so
-- the marts summing it are pure functions of their input.
DROP MATERIALIZED VIEW IF EXISTS marts.play_epa CASCADE;

CREATE MATERIALIZED VIEW marts.play_epa AS
SELECT
    p.id AS play_id,
    p.game_id,
    p.drive_id,
    p.season,
    p.offense,
    p.defense,
    p.down,
    p.distance,
    p.yards_to_goal,
    p.yards_gained,
    p.play_type,
    p.play_text,
    p.scoring,
    p.period,
    p.ppa::numeric AS epa,
    (p.ppa > 0)::integer AS success,
    (p.ppa > 0.5)::integer AS explosive,
    CASE p.down WHEN 1 THEN 'first' WHEN 2 THEN 'second' WHEN 3 THEN 'third' WHEN 4 THEN 'fourth' END AS down_name,
    CASE WHEN p.distance <= 3 THEN 'short' WHEN p.distance <= 7 THEN 'medium' ELSE 'long' END AS distance_bucket,
    CASE
        WHEN p.yards_to_goal <= 20 THEN 'red_zone'
        WHEN p.yards_to_goal <= 40 THEN 'opponent_territory'
        WHEN p.yards_to_goal <= 60 THEN 'midfield'
        ELSE 'own_territory'
    END AS field_position,
    coalesce(marts.is_garbage_time(p.period, p.score_diff), false) AS is_garbage_time,
    marts.rush_pass_category(p.play_type) AS play_category,
    -- cfbops's columns
    g.week,
    g.season_type,
    CASE WHEN p.offense <> p.defense THEN
        CASE p.offense WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END
    END AS offense_id,
    CASE WHEN p.offense <> p.defense THEN
        CASE p.defense WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END
    END AS defense_id,
    k.play_kind,
    k.play_kind IN ('pass', 'rush', 'fumble') AND p.down BETWEEN 1 AND 4 AS is_scrimmage,
    marts.is_successful_play(p.down, p.distance, p.yards_gained) AS is_success,
    marts.is_passing_down(p.down, p.distance) AS is_passing_down,
    p.yards_to_goal <= 20 AS is_red_zone
FROM core.plays AS p
LEFT JOIN core.games AS g ON g.id = p.game_id
CROSS JOIN LATERAL (SELECT marts.play_category(p.play_type) AS play_kind) AS k
WHERE p.ppa IS NOT NULL
  AND p.play_type NOT IN ('Timeout', 'End Period', 'End of Half', 'End of Game', 'Kickoff',
                          'Kickoff Return (Offense)');

-- The key (for CONCURRENTLY, and the join from stats.play_stats) is the only index: every
-- mart reading play_epa reads all of it, and each index is rebuilt on every plain refresh.
CREATE UNIQUE INDEX play_epa_season_play_id_key ON marts.play_epa (season, play_id);

COMMENT ON MATERIALIZED VIEW marts.play_epa IS
    'One row per play with a ppa (administrative plays and kickoffs left out): upstream''s EPA, success (ppa > 0), explosive (ppa > 0.5), down/distance/field-position buckets, garbage time and rush/pass/other category; then cfbops''s team ids, play_kind and its success (by down and distance), passing-down and red-zone flags.';
COMMENT ON COLUMN marts.play_epa.epa IS
    'The play''s ppa (CFBD''s EPA), as an exact numeric (upstream keeps the double precision).';
COMMENT ON COLUMN marts.play_epa.play_category IS
    'Upstream''s category: rush, pass or other by the play type''s words (marts.rush_pass_category); play_kind is cfbops''s finer one.';
COMMENT ON COLUMN marts.play_epa.is_success IS
    'cfbops: success by down and distance (1st >= 50%, 2nd >= 70%, 3rd/4th >= 100% of the distance); success is upstream''s (ppa > 0).';
