-- Team box scores of the simulated season, summed from the plays: each side's offense
-- (yards, first downs, conversions, turnovers, possession) and the penalties it made.
INSERT INTO core.game_team_stats (
    game_id, team, team_id, conference, home_away, points, total_yards, first_downs,
    rushing_attempts, rushing_yards, completions, pass_attempts, net_passing_yards,
    turnovers, fumbles_lost, interceptions, penalties, penalty_yards,
    third_down_conversions, third_down_attempts, fourth_down_conversions,
    fourth_down_attempts, possession_seconds, stats)
WITH sides AS (
    SELECT
        s.game_id,
        side.is_home,
        count(*) FILTER (WHERE s.off_home = side.is_home AND s.action = 'rush')::integer AS rushes,
        coalesce(sum(s.gain) FILTER (WHERE s.off_home = side.is_home AND s.action = 'rush'), 0)::integer AS rush_yards,
        count(*) FILTER (WHERE s.off_home = side.is_home
                           AND s.play_type IN ('Pass Reception', 'Passing Touchdown'))::integer AS completions,
        count(*) FILTER (WHERE s.off_home = side.is_home AND s.action = 'pass'
                           AND s.play_type <> 'Sack')::integer AS attempts,
        coalesce(sum(s.gain) FILTER (WHERE s.off_home = side.is_home AND s.action = 'pass'), 0)::integer AS pass_yards,
        count(*) FILTER (WHERE s.off_home = side.is_home AND s.first_down)::integer AS first_downs,
        count(*) FILTER (WHERE s.off_home = side.is_home
                           AND s.play_type = 'Fumble Recovery (Opponent)')::integer AS fumbles_lost,
        count(*) FILTER (WHERE s.off_home = side.is_home
                           AND s.play_type = 'Pass Interception Return')::integer AS interceptions,
        count(*) FILTER (WHERE s.play_type = 'Penalty'
                           AND (s.off_home = side.is_home) = (s.gain < 0))::integer AS penalties,
        coalesce(sum(abs(s.gain)) FILTER (WHERE s.play_type = 'Penalty'
                           AND (s.off_home = side.is_home) = (s.gain < 0)), 0)::integer AS penalty_yards,
        count(*) FILTER (WHERE s.off_home = side.is_home AND s.down = 3
                           AND s.action IN ('rush', 'pass'))::integer AS third_attempts,
        count(*) FILTER (WHERE s.off_home = side.is_home AND s.down = 3
                           AND s.action IN ('rush', 'pass')
                           AND (s.first_down OR s.gain >= s.ytg))::integer AS third_conversions,
        count(*) FILTER (WHERE s.off_home = side.is_home AND s.down = 4
                           AND s.action IN ('rush', 'pass'))::integer AS fourth_attempts,
        count(*) FILTER (WHERE s.off_home = side.is_home AND s.down = 4
                           AND s.action IN ('rush', 'pass')
                           AND (s.first_down OR s.gain >= s.ytg))::integer AS fourth_conversions,
        coalesce(sum(s.clock_used) FILTER (WHERE s.off_home = side.is_home AND s.period <= 4), 0)::integer AS possession,
        sum(CASE WHEN side.is_home THEN s.home_gain ELSE s.away_gain END)::integer AS points
    FROM seed_sim AS s
    CROSS JOIN (VALUES (true), (false)) AS side (is_home)
    GROUP BY s.game_id, side.is_home
)
SELECT
    sd.game_id,
    CASE WHEN sd.is_home THEN g.home_team ELSE g.away_team END,
    CASE WHEN sd.is_home THEN g.home_id ELSE g.away_id END,
    CASE WHEN sd.is_home THEN g.home_conference ELSE g.away_conference END,
    CASE WHEN sd.is_home THEN 'home' ELSE 'away' END,
    sd.points,
    sd.rush_yards + sd.pass_yards,
    sd.first_downs,
    sd.rushes,
    sd.rush_yards,
    sd.completions,
    sd.attempts,
    sd.pass_yards,
    sd.fumbles_lost + sd.interceptions,
    sd.fumbles_lost,
    sd.interceptions,
    sd.penalties,
    sd.penalty_yards,
    sd.third_conversions,
    sd.third_attempts,
    sd.fourth_conversions,
    sd.fourth_attempts,
    sd.possession,
    jsonb_build_object(
        'completionAttempts', sd.completions || '-' || sd.attempts,
        'thirdDownEff', sd.third_conversions || '-' || sd.third_attempts,
        'fourthDownEff', sd.fourth_conversions || '-' || sd.fourth_attempts,
        'totalPenaltiesYards', sd.penalties || '-' || sd.penalty_yards,
        'possessionTime', (sd.possession / 60) || ':' || lpad((sd.possession % 60)::text, 2, '0'),
        'yardsPerRushAttempt', round(sd.rush_yards::numeric / nullif(sd.rushes, 0), 1)
    )
FROM sides AS sd
JOIN core.games AS g ON g.id = sd.game_id
-- two teams of one name in one game cannot both be keyed by name
WHERE g.home_team <> g.away_team
ORDER BY sd.game_id, sd.is_home DESC;
