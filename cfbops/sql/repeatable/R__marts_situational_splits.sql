-- Per offense (team id) and season, one wide row, as upstream's: EPA per play and success
-- rate (a positive ppa) of its plays outside garbage time, by down, third-down distance,
-- standard and passing downs (2nd and 8+, 3rd and 5+), field position (red zone inside
-- the 20, scoring position inside the 40, backed up at its own 20 or deeper), late and
-- close (4th quarter, margin of 8 or less), the last two minutes of each half, and by
-- upstream's rush/pass category; rush_rate = rushes / (rushes + passes). Every play with
-- a ppa counts, as upstream's; figures are 4 places. cfbops's finer split of the same
-- plays, one row per split, is marts.team_situation_splits.
DROP MATERIALIZED VIEW IF EXISTS marts.situational_splits CASCADE;

CREATE MATERIALIZED VIEW marts.situational_splits AS
WITH plays AS (
    SELECT
        p.season,
        p.offense AS team,
        CASE p.offense WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END AS team_id,
        p.ppa::numeric AS ppa,
        CASE WHEN p.ppa > 0 THEN 1.0 ELSE 0.0 END AS success,
        p.down,
        p.distance,
        p.yards_to_goal,
        (p.down = 2 AND p.distance >= 8) OR (p.down = 3 AND p.distance >= 5) AS is_passing_down,
        p.period = 4 AND abs(coalesce(p.score_diff, 0)) <= 8 AS is_late_and_close,
        p.period IN (2, 4) AND coalesce(p.clock__minutes, 0) < 2 AS is_two_minute,
        marts.rush_pass_category(p.play_type) AS play_category
    FROM core.plays AS p
    JOIN core.games AS g ON g.id = p.game_id
    WHERE p.ppa IS NOT NULL
      AND p.offense <> p.defense  -- two teams sharing a name: sides cannot be told apart
      AND NOT coalesce(marts.is_garbage_time(p.period, p.score_diff), false)
    -- OFFSET 0 keeps this subquery whole: each play's flags are computed once here, not
    -- again in every aggregate FILTER that reads them (the planner would copy the
    -- expressions into each): 1.4 s → 1.0 s at the medium seed, same rows.
    OFFSET 0
)
SELECT
    min(team)::varchar AS team,
    season,
    count(*) AS total_plays,
    round(avg(ppa), 4) AS epa_per_play,
    round(avg(success), 4) AS success_rate,
    round(avg(ppa) FILTER (WHERE down = 1), 4) AS first_down_epa,
    round(avg(success) FILTER (WHERE down = 1), 4) AS first_down_success,
    round(avg(ppa) FILTER (WHERE down = 2), 4) AS second_down_epa,
    round(avg(success) FILTER (WHERE down = 2), 4) AS second_down_success,
    round(avg(ppa) FILTER (WHERE down = 3), 4) AS third_down_epa,
    round(avg(success) FILTER (WHERE down = 3), 4) AS third_down_success,
    count(*) FILTER (WHERE down = 3) AS third_down_attempts,
    round(avg(success) FILTER (WHERE down = 3 AND distance <= 3), 4) AS third_short_success,
    round(avg(success) FILTER (WHERE down = 3 AND distance BETWEEN 4 AND 7), 4) AS third_medium_success,
    round(avg(success) FILTER (WHERE down = 3 AND distance > 7), 4) AS third_long_success,
    round(avg(ppa) FILTER (WHERE NOT coalesce(is_passing_down, false)), 4) AS standard_down_epa,
    round(avg(ppa) FILTER (WHERE is_passing_down), 4) AS passing_down_epa,
    round(avg(success) FILTER (WHERE NOT coalesce(is_passing_down, false)), 4) AS standard_down_success,
    round(avg(success) FILTER (WHERE is_passing_down), 4) AS passing_down_success,
    count(*) FILTER (WHERE yards_to_goal <= 20) AS red_zone_plays,
    round(avg(ppa) FILTER (WHERE yards_to_goal <= 20), 4) AS red_zone_epa,
    round(avg(success) FILTER (WHERE yards_to_goal <= 20), 4) AS red_zone_success,
    round(avg(ppa) FILTER (WHERE yards_to_goal >= 80), 4) AS backed_up_epa,
    round(avg(ppa) FILTER (WHERE yards_to_goal > 20 AND yards_to_goal <= 40), 4) AS scoring_position_epa,
    count(*) FILTER (WHERE is_late_and_close) AS late_close_plays,
    round(avg(ppa) FILTER (WHERE is_late_and_close), 4) AS late_close_epa,
    round(avg(success) FILTER (WHERE is_late_and_close), 4) AS late_close_success,
    count(*) FILTER (WHERE is_two_minute) AS two_minute_plays,
    round(avg(ppa) FILTER (WHERE is_two_minute), 4) AS two_minute_epa,
    count(*) FILTER (WHERE play_category = 'rush') AS rush_plays,
    round(avg(ppa) FILTER (WHERE play_category = 'rush'), 4) AS rush_epa,
    round(avg(success) FILTER (WHERE play_category = 'rush'), 4) AS rush_success,
    count(*) FILTER (WHERE play_category = 'pass') AS pass_plays,
    round(avg(ppa) FILTER (WHERE play_category = 'pass'), 4) AS pass_epa,
    round(avg(success) FILTER (WHERE play_category = 'pass'), 4) AS pass_success,
    round(count(*) FILTER (WHERE play_category = 'rush')::numeric
          / nullif(count(*) FILTER (WHERE play_category IN ('rush', 'pass')), 0), 4) AS rush_rate,
    -- cfbops's columns
    team_id
FROM plays
WHERE team_id IS NOT NULL
GROUP BY team_id, season;

CREATE UNIQUE INDEX situational_splits_team_id_season_key ON marts.situational_splits (team_id, season);

COMMENT ON MATERIALIZED VIEW marts.situational_splits IS
    'Per offense (team id) and season, upstream''s wide splits of plays outside garbage time: EPA per play and success rate (ppa > 0) by down, third-down distance, standard/passing downs, red zone, field position, late and close, two-minute, rush/pass; rush_rate. cfbops''s one-row-per-split form is marts.team_situation_splits.';
