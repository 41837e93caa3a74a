-- Per offense (team id), season and situation: EPA per play, success rate,
-- explosiveness, pass rate, yards per play. A play belongs to every split it matches
-- (e.g. "third_long" and "passing_downs" and "red_zone"). Averages are numeric (exact):
-- a float average depends on row order, so each rebuild gave different last digits.
DROP MATERIALIZED VIEW IF EXISTS marts.situational_splits CASCADE;

CREATE MATERIALIZED VIEW marts.situational_splits AS
WITH scrimmage AS (
    SELECT
        p.season,
        p.offense AS team,
        CASE p.offense WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END AS team_id,
        p.period,
        p.down,
        p.distance,
        p.yards_to_goal,
        p.yards_gained,
        p.ppa::numeric AS ppa,
        marts.play_category(p.play_type) AS play_category,
        coalesce(marts.is_successful_play(p.down, p.distance, p.yards_gained), false) AS is_success,
        marts.is_passing_down(p.down, p.distance) AS is_passing_down
    FROM core.plays AS p
    JOIN core.games AS g ON g.id = p.game_id
    WHERE p.ppa IS NOT NULL
      AND p.offense <> p.defense  -- two teams sharing a name: sides cannot be told apart
      AND p.down BETWEEN 1 AND 4
      AND marts.play_category(p.play_type) IN ('pass', 'rush', 'fumble')
)
SELECT
    s.team_id,
    s.season,
    sp.split,
    min(s.team) AS team,
    count(*)::integer AS plays,
    avg(s.ppa) AS epa_per_play,
    avg(s.is_success::integer) AS success_rate,
    avg(s.ppa) FILTER (WHERE s.is_success) AS explosiveness,
    avg((s.play_category = 'pass')::integer) AS pass_rate,
    avg(s.yards_gained) AS yards_per_play
FROM scrimmage AS s
CROSS JOIN LATERAL (
    VALUES
        ('all', true),
        ('first_down', s.down = 1),
        ('second_short', s.down = 2 AND s.distance <= 3),
        ('second_medium', s.down = 2 AND s.distance BETWEEN 4 AND 7),
        ('second_long', s.down = 2 AND s.distance >= 8),
        ('third_short', s.down = 3 AND s.distance <= 3),
        ('third_medium', s.down = 3 AND s.distance BETWEEN 4 AND 6),
        ('third_long', s.down = 3 AND s.distance >= 7),
        ('fourth_down', s.down = 4),
        ('standard_downs', NOT s.is_passing_down),
        ('passing_downs', s.is_passing_down),
        ('red_zone', s.yards_to_goal <= 20),
        ('goal_to_go', s.yards_to_goal <= s.distance),
        ('first_half', s.period IN (1, 2)),
        ('second_half', s.period IN (3, 4)),
        ('overtime', s.period > 4)
) AS sp (split, applies)
WHERE sp.applies AND s.team_id IS NOT NULL
GROUP BY s.team_id, s.season, sp.split;

CREATE UNIQUE INDEX situational_splits_team_id_season_split_key ON marts.situational_splits (team_id, season, split);

COMMENT ON MATERIALIZED VIEW marts.situational_splits IS
    'Per offense (team id), season and split (all, downs and distances, standard/passing downs, red zone, goal to go, halves, overtime): plays, EPA per play, success rate, explosiveness, pass rate, yards per play.';
