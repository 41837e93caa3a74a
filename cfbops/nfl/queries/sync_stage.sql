-- Staging for one sync nfl: schedules and rosters as nflverse gives them.
CREATE TEMP TABLE sync_games (
    game_id text, season integer, game_type text, week integer, gameday text,
    gametime text, away_team text, away_score numeric, home_team text, home_score numeric
) ON COMMIT DROP;
CREATE TEMP TABLE sync_rosters (
    season integer, team text, player_name text, first_name text, last_name text,
    position text, depth_chart_position text, jersey_number numeric, status text,
    gsis_id text, espn_id text, sleeper_id text
) ON COMMIT DROP;
