-- Drives of the simulated season (CFBD drive ids are strings), summed from its plays: where each started and ended,
-- plays, yards, time, result, and the score before and after.
INSERT INTO core.drives (
    id, game_id, offense, offense_conference, defense, defense_conference, drive_number,
    scoring, start_period, start_yardline, start_yards_to_goal, start_time__minutes,
    start_time__seconds, end_period, end_yardline, end_yards_to_goal, end_time__minutes,
    end_time__seconds, elapsed__minutes, elapsed__seconds, plays, yards, drive_result,
    is_home_offense, start_offense_score, start_defense_score, end_offense_score,
    end_defense_score, season, _dlt_load_id, _dlt_id, created_at, updated_at)
WITH drive_plays AS (
    SELECT
        s.game_id,
        s.drive_no,
        bool_or(s.off_home) AS off_home,
        min(s.period) AS start_period,
        max(s.period) AS end_period,
        (array_agg(s.clock ORDER BY s.n))[1] AS start_clock,
        (array_agg(greatest(s.clock - s.clock_used, 0) ORDER BY s.n DESC))[1] AS end_clock,
        sum(s.clock_used) AS elapsed,
        (array_agg(s.ytg ORDER BY s.n) FILTER (WHERE s.kind = 1))[1] AS start_ytg,
        (array_agg(s.ytg - s.gain ORDER BY s.n DESC) FILTER (WHERE s.kind = 1))[1] AS last_ytg,
        count(*) FILTER (WHERE s.kind = 1)::integer AS plays,
        (array_agg(s.drive_end ORDER BY s.n DESC))[1] AS drive_result,
        (array_agg(s.home_pts ORDER BY s.n))[1] AS start_home,
        (array_agg(s.away_pts ORDER BY s.n))[1] AS start_away,
        (array_agg(s.home_pts + s.home_gain ORDER BY s.n DESC))[1] AS end_home,
        (array_agg(s.away_pts + s.away_gain ORDER BY s.n DESC))[1] AS end_away
    FROM seed_sim AS s
    GROUP BY s.game_id, s.drive_no
),
placed AS (
    SELECT
        d.*,
        CASE WHEN d.drive_result = 'TD' THEN 0 ELSE coalesce(d.last_ytg, d.start_ytg) END AS end_ytg,
        CASE WHEN d.off_home THEN d.start_home ELSE d.start_away END AS start_off,
        CASE WHEN d.off_home THEN d.start_away ELSE d.start_home END AS start_def,
        CASE WHEN d.off_home THEN d.end_home ELSE d.end_away END AS end_off,
        CASE WHEN d.off_home THEN d.end_away ELSE d.end_home END AS end_def
    FROM drive_plays AS d
)
SELECT
    (p.game_id::bigint * 100 + p.drive_no)::text,
    p.game_id,
    CASE WHEN p.off_home THEN g.home_team ELSE g.away_team END,
    CASE WHEN p.off_home THEN g.home_conference ELSE g.away_conference END,
    CASE WHEN p.off_home THEN g.away_team ELSE g.home_team END,
    CASE WHEN p.off_home THEN g.away_conference ELSE g.home_conference END,
    p.drive_no,
    p.end_off > p.start_off,
    p.start_period,
    CASE WHEN p.off_home THEN 100 - p.start_ytg ELSE p.start_ytg END,
    p.start_ytg,
    p.start_clock / 60,
    p.start_clock % 60,
    p.end_period,
    CASE WHEN p.off_home THEN 100 - p.end_ytg ELSE p.end_ytg END,
    p.end_ytg,
    p.end_clock / 60,
    p.end_clock % 60,
    p.elapsed / 60,
    p.elapsed % 60,
    p.plays,
    p.start_ytg - p.end_ytg,
    p.drive_result,
    p.off_home,
    p.start_off,
    p.start_def,
    p.end_off,
    p.end_def,
    g.season,
    pg_temp.load_id(g.season::integer),
    pg_temp.dlt_id('drives', (p.game_id::bigint * 100 + p.drive_no)::text),
    g.created_at,
    g.created_at
FROM placed AS p
JOIN core.games AS g ON g.id = p.game_id
ORDER BY p.game_id, p.drive_no;
