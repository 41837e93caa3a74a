-- cfbops's long form of upstream's marts.situational_splits (which is one wide row per
-- team and season): per offense (team id), season and situation: EPA per play, success rate,
-- explosiveness, pass rate, yards per play. A play belongs to every split it matches
-- (e.g. "third_long" and "passing_downs" and "red_zone"). Averages are numeric (exact):
-- a float average depends on row order, so each rebuild gave different last digits.
--
-- Two stages, for speed: the plays are first summed per team, season and the set of
-- splits they match (a bit mask), success and pass; the splits then add those sums.
-- Pairing each play with each of its splits and averaging numerics over the ~4x rows
-- took most of the mart's time. The figures are the same to the last digit: numeric
-- sums are exact whatever the grouping, and avg(x) is sum(x) / count(x) in numeric
-- division (what PostgreSQL's avg computes for numeric, integer and bigint inputs).
DROP MATERIALIZED VIEW IF EXISTS marts.team_situation_splits CASCADE;

CREATE MATERIALIZED VIEW marts.team_situation_splits AS
WITH split_bit (bit, split) AS (
    -- The 16 splits; bit n of a play's mask says the split applies.
    VALUES
        (0, 'all'), (1, 'first_down'), (2, 'second_short'),
        (3, 'second_medium'), (4, 'second_long'), (5, 'third_short'),
        (6, 'third_medium'), (7, 'third_long'), (8, 'fourth_down'),
        (9, 'standard_downs'), (10, 'passing_downs'), (11, 'red_zone'),
        (12, 'goal_to_go'), (13, 'first_half'), (14, 'second_half'),
        (15, 'overtime')
),
scrimmage AS (
    SELECT
        p.season,
        p.offense AS team,
        CASE p.offense WHEN g.home_team THEN g.home_id WHEN g.away_team THEN g.away_id END AS team_id,
        p.yards_gained,
        p.ppa::numeric AS ppa,
        marts.play_category(p.play_type) = 'pass' AS is_pass,
        coalesce(marts.is_successful_play(p.down, p.distance, p.yards_gained), false) AS is_success,
        -- A condition that is null (no distance, no period …) does not apply, as before.
        1
        | CASE WHEN p.down = 1 THEN 2 ELSE 0 END
        | CASE WHEN p.down = 2 AND p.distance <= 3 THEN 4 ELSE 0 END
        | CASE WHEN p.down = 2 AND p.distance BETWEEN 4 AND 7 THEN 8 ELSE 0 END
        | CASE WHEN p.down = 2 AND p.distance >= 8 THEN 16 ELSE 0 END
        | CASE WHEN p.down = 3 AND p.distance <= 3 THEN 32 ELSE 0 END
        | CASE WHEN p.down = 3 AND p.distance BETWEEN 4 AND 6 THEN 64 ELSE 0 END
        | CASE WHEN p.down = 3 AND p.distance >= 7 THEN 128 ELSE 0 END
        | CASE WHEN p.down = 4 THEN 256 ELSE 0 END
        | CASE WHEN NOT marts.is_passing_down(p.down, p.distance) THEN 512 ELSE 0 END
        | CASE WHEN marts.is_passing_down(p.down, p.distance) THEN 1024 ELSE 0 END
        | CASE WHEN p.yards_to_goal <= 20 THEN 2048 ELSE 0 END
        | CASE WHEN p.yards_to_goal <= p.distance THEN 4096 ELSE 0 END
        | CASE WHEN p.period IN (1, 2) THEN 8192 ELSE 0 END
        | CASE WHEN p.period IN (3, 4) THEN 16384 ELSE 0 END
        | CASE WHEN p.period > 4 THEN 32768 ELSE 0 END AS split_mask
    FROM core.plays AS p
    JOIN core.games AS g ON g.id = p.game_id
    WHERE p.ppa IS NOT NULL
      AND p.offense <> p.defense  -- two teams sharing a name: sides cannot be told apart
      AND p.down BETWEEN 1 AND 4
      AND marts.play_category(p.play_type) IN ('pass', 'rush', 'fumble')
),
summed AS (
    SELECT
        team_id,
        season,
        split_mask,
        is_success,
        is_pass,
        min(team) AS team,
        count(*) AS plays,
        sum(ppa) AS epa,
        sum(yards_gained) AS yards,
        count(yards_gained) AS yards_plays
    FROM scrimmage
    WHERE team_id IS NOT NULL
    GROUP BY team_id, season, split_mask, is_success, is_pass
)
SELECT
    s.team_id,
    s.season,
    sp.split,
    min(s.team) AS team,
    sum(s.plays)::integer AS plays,
    sum(s.epa) / sum(s.plays) AS epa_per_play,
    coalesce(sum(s.plays) FILTER (WHERE s.is_success), 0) / sum(s.plays) AS success_rate,
    sum(s.epa) FILTER (WHERE s.is_success) / sum(s.plays) FILTER (WHERE s.is_success) AS explosiveness,
    coalesce(sum(s.plays) FILTER (WHERE s.is_pass), 0) / sum(s.plays) AS pass_rate,
    sum(s.yards) / nullif(sum(s.yards_plays), 0) AS yards_per_play
FROM summed AS s
JOIN split_bit AS sp ON s.split_mask & (1 << sp.bit) <> 0
GROUP BY s.team_id, s.season, sp.split;

CREATE UNIQUE INDEX team_situation_splits_team_id_season_split_key ON marts.team_situation_splits (team_id, season, split);

COMMENT ON MATERIALIZED VIEW marts.team_situation_splits IS
    'Per offense (team id), season and split (all, downs and distances, standard/passing downs, red zone, goal to go, halves, overtime): plays, EPA per play, success rate, explosiveness, pass rate, yards per play.';
