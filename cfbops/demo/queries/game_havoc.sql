-- Havoc per team and game of the simulated season (CFBD /stats/game/havoc), for
-- seasons from seed_scale.havoc_first on: front-seven events are sacks and tackles for
-- loss on runs, DB events interceptions and passes broken up; forced fumbles count in
-- the total only.
INSERT INTO stats.game_havoc (
    game_id, team, season, season_type, week, conference, opponent, opponent_conference,
    offense__total_plays, offense__total_havoc_events, offense__front_seven_havoc_events,
    offense__db_havoc_events, offense__havoc_rate, offense__front_seven_havoc_rate,
    offense__db_havoc_rate, defense__total_plays, defense__total_havoc_events,
    defense__front_seven_havoc_events, defense__db_havoc_events, defense__havoc_rate,
    defense__front_seven_havoc_rate, defense__db_havoc_rate, _dlt_load_id, _dlt_id)
WITH events AS (
    -- per game and offense: scrimmage plays and the havoc its defense opponent made
    SELECT
        s.game_id,
        s.off_home,
        count(*)::integer AS plays,
        count(*) FILTER (WHERE s.play_type = 'Sack'
                           OR (s.action = 'rush' AND s.gain < 0))::integer AS front_seven,
        count(*) FILTER (WHERE s.play_type = 'Pass Interception Return' OR s.broken_up)::integer AS db,
        count(*) FILTER (WHERE s.play_type = 'Fumble Recovery (Opponent)')::integer AS fumbles
    FROM seed_sim AS s
    WHERE s.action IN ('rush', 'pass')
    GROUP BY s.game_id, s.off_home
),
sides AS (
    SELECT
        g.id AS game_id, g.season, g.season_type, g.week, side.is_home,
        CASE WHEN side.is_home THEN g.home_team ELSE g.away_team END AS team,
        CASE WHEN side.is_home THEN g.home_conference ELSE g.away_conference END AS conference,
        CASE WHEN side.is_home THEN g.away_team ELSE g.home_team END AS opponent,
        CASE WHEN side.is_home THEN g.away_conference ELSE g.home_conference END AS opponent_conference,
        o.plays AS off_plays, o.front_seven + o.db + o.fumbles AS off_events,
        o.front_seven AS off_front, o.db AS off_db,
        d.plays AS def_plays, d.front_seven + d.db + d.fumbles AS def_events,
        d.front_seven AS def_front, d.db AS def_db
    FROM core.games AS g
    CROSS JOIN seed_scale AS sc
    CROSS JOIN (VALUES (true), (false)) AS side (is_home)
    JOIN events AS o ON o.game_id = g.id AND o.off_home = side.is_home
    JOIN events AS d ON d.game_id = g.id AND d.off_home <> side.is_home
    WHERE g.season >= sc.havoc_first
      AND g.home_team <> g.away_team
)
SELECT
    s.game_id, s.team, s.season, s.season_type, s.week, s.conference, s.opponent,
    s.opponent_conference,
    s.off_plays, s.off_events, s.off_front, s.off_db,
    round(s.off_events::numeric / s.off_plays, 4),
    round(s.off_front::numeric / s.off_plays, 4),
    round(s.off_db::numeric / s.off_plays, 4),
    s.def_plays, s.def_events, s.def_front, s.def_db,
    round(s.def_events::numeric / s.def_plays, 4),
    round(s.def_front::numeric / s.def_plays, 4),
    round(s.def_db::numeric / s.def_plays, 4),
    pg_temp.load_id(s.season::integer),
    pg_temp.dlt_id('game_havoc', s.game_id || '/' || s.team)
FROM sides AS s
ORDER BY s.game_id, s.is_home DESC;
