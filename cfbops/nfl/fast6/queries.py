"""The statements of `import fast6`. Each upsert touches a row only when a value differs,
and returns (id, inserted): a second import of the same file writes nothing."""

from __future__ import annotations

ALL_GAMES = "SELECT id, season, week, home_team, away_team FROM nfl.games"

FIND_USER = "SELECT id FROM nfl.users WHERE name = %(name)s ORDER BY id LIMIT 1"

INSERT_USER = """
INSERT INTO nfl.users (name, email, is_admin, group_id, base_bet, created_at)
VALUES (%(name)s, %(email)s, %(is_admin)s, %(group_id)s, %(base_bet)s,
        coalesce(%(created_at)s::timestamptz, now()))
RETURNING id
"""

UPDATE_USER = """
UPDATE nfl.users u
   SET email = %(email)s, is_admin = %(is_admin)s, group_id = %(group_id)s,
       base_bet = %(base_bet)s, created_at = coalesce(%(created_at)s::timestamptz, u.created_at)
 WHERE u.id = %(id)s
   AND (u.email, u.is_admin, u.group_id, u.base_bet, u.created_at)
       IS DISTINCT FROM (%(email)s::text, %(is_admin)s::boolean, %(group_id)s::integer,
                         %(base_bet)s::numeric,
                         coalesce(%(created_at)s::timestamptz, u.created_at))
"""

UPSERT_WEEK = """
INSERT INTO nfl.weeks AS w (season, week, started_at, ended_at, created_at)
VALUES (%(season)s, %(week)s, %(started_at)s, %(ended_at)s, %(created_at)s)
ON CONFLICT (season, week) DO UPDATE
   SET started_at = excluded.started_at, ended_at = excluded.ended_at,
       created_at = excluded.created_at
 WHERE (w.started_at, w.ended_at, w.created_at)
       IS DISTINCT FROM (excluded.started_at, excluded.ended_at, excluded.created_at)
RETURNING w.id, (w.xmax = 0)
"""

FIND_WEEK = "SELECT id FROM nfl.weeks WHERE season = %(season)s AND week = %(week)s"

INSERT_GAME = """
INSERT INTO nfl.games (id, season, week, game_type, game_date, home_team, away_team,
                       home_score, away_score, status)
VALUES (%(id)s, %(season)s, %(week)s, %(game_type)s, %(game_date)s::date, %(home_team)s,
        %(away_team)s, %(home_score)s, %(away_score)s, %(status)s)
ON CONFLICT (id) DO NOTHING
"""

UPSERT_PICK = """
INSERT INTO nfl.picks AS p (user_id, week_id, game_id, team, player_name, odds,
                            theoretical_return, created_at)
VALUES (%(user_id)s, %(week_id)s, %(game_id)s, %(team)s, %(player_name)s, %(odds)s,
        %(theoretical_return)s, coalesce(%(created_at)s::timestamptz, now()))
ON CONFLICT (user_id, week_id, player_name) DO UPDATE
   SET game_id = excluded.game_id, team = excluded.team, odds = excluded.odds,
       theoretical_return = excluded.theoretical_return,
       created_at = coalesce(%(created_at)s::timestamptz, p.created_at)
 WHERE (p.game_id, p.team, p.odds, p.theoretical_return, p.created_at)
       IS DISTINCT FROM (excluded.game_id, excluded.team, excluded.odds,
                         excluded.theoretical_return,
                         coalesce(%(created_at)s::timestamptz, p.created_at))
RETURNING p.id, (p.xmax = 0)
"""

FIND_PICK = """
SELECT id FROM nfl.picks
 WHERE user_id = %(user_id)s AND week_id = %(week_id)s AND player_name = %(player_name)s
"""

UPSERT_RESULT = """
INSERT INTO nfl.results AS r (pick_id, actual_scorer, is_correct, any_time_td, actual_return,
                              graded_at)
VALUES (%(pick_id)s, %(actual_scorer)s, %(is_correct)s, %(any_time_td)s, %(actual_return)s,
        coalesce(%(graded_at)s::timestamptz, now()))
ON CONFLICT (pick_id) DO UPDATE
   SET actual_scorer = excluded.actual_scorer, is_correct = excluded.is_correct,
       any_time_td = excluded.any_time_td, actual_return = excluded.actual_return,
       graded_at = coalesce(%(graded_at)s::timestamptz, r.graded_at)
 WHERE (r.actual_scorer, r.is_correct, r.any_time_td, r.actual_return, r.graded_at)
       IS DISTINCT FROM (excluded.actual_scorer, excluded.is_correct, excluded.any_time_td,
                         excluded.actual_return,
                         coalesce(%(graded_at)s::timestamptz, r.graded_at))
RETURNING r.id, (r.xmax = 0)
"""

# A position the app did not know ('Unknown') never overwrites one the database knows.
_POSITION = """CASE WHEN excluded.position IS NULL OR btrim(excluded.position) = ''
                     OR lower(excluded.position) = 'unknown'
                    THEN coalesce(s.position, excluded.position)
                    ELSE excluded.position END"""

UPSERT_PLAYER_STATS = f"""
INSERT INTO nfl.player_stats AS s (player_name, season, team, position, games_played,
                                   red_zone_targets, red_zone_touches, last_td_week,
                                   recent_form, updated_at)
VALUES (%(player_name)s, %(season)s, %(team)s, %(position)s, %(games_played)s,
        %(red_zone_targets)s, %(red_zone_touches)s, %(last_td_week)s, %(recent_form)s,
        %(updated_at)s)
ON CONFLICT (player_name, season, team) DO UPDATE
   SET position = {_POSITION}, games_played = excluded.games_played,
       red_zone_targets = excluded.red_zone_targets,
       red_zone_touches = excluded.red_zone_touches, last_td_week = excluded.last_td_week,
       recent_form = excluded.recent_form, updated_at = excluded.updated_at
 WHERE (s.position, s.games_played, s.red_zone_targets, s.red_zone_touches, s.last_td_week,
        s.recent_form, s.updated_at)
       IS DISTINCT FROM ({_POSITION}, excluded.games_played, excluded.red_zone_targets,
                         excluded.red_zone_touches, excluded.last_td_week,
                         excluded.recent_form, excluded.updated_at)
RETURNING s.id, (s.xmax = 0)
"""

PLAYER_COUNTERS = """
SELECT s.player_name, s.season, s.team, s.first_td_count, s.any_time_td_count
  FROM nfl.player_stats s
  JOIN unnest(%s::text[], %s::integer[], %s::text[]) AS k (player_name, season, team)
    ON s.player_name = k.player_name AND s.season = k.season AND s.team = k.team
"""

UNKNOWN_POSITIONS = """
SELECT count(*) FROM nfl.picks
 WHERE id = ANY (%s::bigint[])
   AND (position IS NULL OR btrim(position) = '' OR lower(position) = 'unknown')
"""

INSERT_IMPORT = """
INSERT INTO ops.fast6_imports (file_name, file_sha256, source_shape, changed_rows, findings)
VALUES (%s, %s, %s, %s, %s)
"""

INSERT_FINDING = """
INSERT INTO ops.fast6_import_findings (file_sha256, kind, source_table, source_id,
                                       source_row, detail)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT ON CONSTRAINT fast6_import_findings_once DO NOTHING
"""
