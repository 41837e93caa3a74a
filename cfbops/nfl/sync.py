"""`sync nfl`: nflverse schedules and rosters into nfl.games and nfl.rosters, in one go.

Everything is loaded first and written in one transaction afterwards: a download that
fails half-way leaves the tables as they were, and no transaction waits on the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from cfbops.config import Settings
from cfbops.db.connect import connect, one_line_database_errors, require_writable
from cfbops.db.locks import DEFAULT_WAIT_S, advisory_lock
from cfbops.errors import UsageError
from cfbops.nfl.nflverse import (
    ROSTER_COLUMNS,
    SCHEDULE_COLUMNS,
    NflverseSeasons,
    check_seasons,
    load_seasons,
)
from cfbops.nfl.positions import (
    ResolvedPositions,
    UnknownPositions,
    resolve_unknown_positions,
    unknown_positions,
)
from cfbops.nfl.teams import team_code
from cfbops.progress import ProgressCallback, TaskProgress, ignore_progress

TASK = "sync nfl"
# One writer of the picks game's nflverse data at a time.
NFL_SYNC_LOCK = "cfbops.nfl.sync"

STAGE_SQL = """
CREATE TEMP TABLE sync_games (
    game_id text, season integer, game_type text, week integer, gameday text,
    gametime text, away_team text, away_score numeric, home_team text, home_score numeric
) ON COMMIT DROP;
CREATE TEMP TABLE sync_rosters (
    season integer, team text, player_name text, first_name text, last_name text,
    position text, depth_chart_position text, jersey_number numeric, status text,
    gsis_id text, espn_id text, sleeper_id text
) ON COMMIT DROP;
"""

# A game the picks import made up from a pick's game_id (in today's team codes, e.g.
# 2019_01_DEN_LV) takes nflverse's id (2019_01_DEN_OAK); picks follow by ON UPDATE CASCADE.
ADOPT_PLACEHOLDER_GAMES_SQL = """
UPDATE nfl.games AS g
   SET id = s.game_id
  FROM sync_games AS s
 WHERE g.season = s.season AND g.week = s.week
   AND g.home_team = s.home_team AND g.away_team = s.away_team
   AND g.id <> s.game_id
   AND NOT EXISTS (SELECT FROM nfl.games AS x WHERE x.id = s.game_id)
"""

# Status from scores and kickoff: nflverse's gameday/gametime are US Eastern.
UPSERT_GAMES_SQL = """
WITH incoming AS (
    SELECT DISTINCT ON (s.game_id)
           s.game_id AS id, s.season, s.week, coalesce(s.game_type, 'REG') AS game_type,
           s.gameday::date AS game_date, s.home_team, s.away_team,
           s.home_score::integer AS home_score, s.away_score::integer AS away_score,
           CASE WHEN s.home_score IS NOT NULL AND s.away_score IS NOT NULL THEN 'final'
                WHEN s.gameday IS NOT NULL
                 AND (s.gameday || ' ' || coalesce(nullif(s.gametime, ''), '00:00'))::timestamp
                     AT TIME ZONE 'America/New_York' <= %(now)s THEN 'in_progress'
                ELSE 'scheduled' END AS status
      FROM sync_games AS s
     WHERE s.game_id IS NOT NULL
     ORDER BY s.game_id
)
INSERT INTO nfl.games AS g (id, season, week, game_type, game_date, home_team, away_team,
                            home_score, away_score, status)
SELECT id, season, week, game_type, game_date, home_team, away_team,
       home_score, away_score, status
  FROM incoming
ON CONFLICT (id) DO UPDATE
   SET season = excluded.season, week = excluded.week, game_type = excluded.game_type,
       game_date = excluded.game_date, home_team = excluded.home_team,
       away_team = excluded.away_team, home_score = excluded.home_score,
       away_score = excluded.away_score, status = excluded.status
 WHERE (g.season, g.week, g.game_type, g.game_date, g.home_team, g.away_team,
        g.home_score, g.away_score, g.status)
       IS DISTINCT FROM
       (excluded.season, excluded.week, excluded.game_type, excluded.game_date,
        excluded.home_team, excluded.away_team, excluded.home_score, excluded.away_score,
        excluded.status)
RETURNING (xmax = 0) AS inserted
"""

INSERT_WEEKS_SQL = """
INSERT INTO nfl.weeks (season, week)
SELECT DISTINCT s.season, s.week FROM sync_games AS s
 WHERE s.season IS NOT NULL AND s.week BETWEEN 1 AND 23
 ORDER BY 1, 2
ON CONFLICT (season, week) DO NOTHING
"""

_ROSTER_VALUES = """
    s.season, s.team, s.player_name, s.first_name, s.last_name, s.position,
    s.depth_chart_position, s.jersey_number::integer, s.status, s.gsis_id, s.espn_id,
    s.sleeper_id
"""
_ROSTER_SET = """
    player_name = excluded.player_name, first_name = excluded.first_name,
    last_name = excluded.last_name, position = excluded.position,
    depth_chart_position = excluded.depth_chart_position,
    jersey_number = excluded.jersey_number, status = excluded.status,
    espn_id = excluded.espn_id, sleeper_id = excluded.sleeper_id
"""

# Keyed on (season, team, gsis_id), the unique index of V0100.
UPSERT_KEYED_ROSTERS_SQL = f"""
INSERT INTO nfl.rosters AS r (season, team, player_name, first_name, last_name, position,
                              depth_chart_position, jersey_number, status, gsis_id, espn_id,
                              sleeper_id)
SELECT DISTINCT ON (s.season, s.team, s.gsis_id) {_ROSTER_VALUES}
  FROM sync_rosters AS s
 WHERE s.gsis_id IS NOT NULL AND s.player_name IS NOT NULL AND s.season IS NOT NULL
   AND s.team IS NOT NULL
 ORDER BY s.season, s.team, s.gsis_id
ON CONFLICT (season, team, gsis_id) DO UPDATE SET {_ROSTER_SET}
 WHERE (r.player_name, r.first_name, r.last_name, r.position, r.depth_chart_position,
        r.jersey_number, r.status, r.espn_id, r.sleeper_id)
       IS DISTINCT FROM
       (excluded.player_name, excluded.first_name, excluded.last_name, excluded.position,
        excluded.depth_chart_position, excluded.jersey_number, excluded.status,
        excluded.espn_id, excluded.sleeper_id)
RETURNING (xmax = 0) AS inserted
"""

# The few players without a gsis_id are known by season, team and name only.
INSERT_UNKEYED_ROSTERS_SQL = f"""
INSERT INTO nfl.rosters (season, team, player_name, first_name, last_name, position,
                         depth_chart_position, jersey_number, status, gsis_id, espn_id,
                         sleeper_id)
SELECT DISTINCT ON (s.season, s.team, s.player_name) {_ROSTER_VALUES}
  FROM sync_rosters AS s
 WHERE s.gsis_id IS NULL AND s.player_name IS NOT NULL AND s.season IS NOT NULL
   AND s.team IS NOT NULL
   AND NOT EXISTS (SELECT FROM nfl.rosters AS r
                    WHERE r.season = s.season AND r.team = s.team
                      AND r.player_name = s.player_name AND r.gsis_id IS NULL)
 ORDER BY s.season, s.team, s.player_name
"""


@dataclass(frozen=True, slots=True)
class NflSyncResult:
    """What one `sync nfl` changed, and how many positions stay unknown."""

    seasons: tuple[int, ...]
    games_loaded: int
    games_inserted: int
    games_updated: int
    games_renamed: int
    weeks_inserted: int
    rosters_loaded: int
    rosters_inserted: int
    rosters_updated: int
    positions_resolved: ResolvedPositions
    unknown: UnknownPositions
    unmapped_teams: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "seasons": list(self.seasons),
            "games": {
                "loaded": self.games_loaded,
                "inserted": self.games_inserted,
                "updated": self.games_updated,
                "renamed": self.games_renamed,
            },
            "weeks_inserted": self.weeks_inserted,
            "rosters": {
                "loaded": self.rosters_loaded,
                "inserted": self.rosters_inserted,
                "updated": self.rosters_updated,
            },
            "positions_resolved": {
                "picks": self.positions_resolved.picks,
                "player_stats": self.positions_resolved.player_stats,
            },
            "unknown_positions": self.unknown.as_dict(),
            "unmapped_teams": list(self.unmapped_teams),
        }


def sync_nfl(
    settings: Settings,
    seasons: Sequence[int],
    *,
    now: datetime | None = None,
    wait_s: float | None = DEFAULT_WAIT_S,
    progress: ProgressCallback = ignore_progress,
) -> NflSyncResult:
    """Load the seasons' schedules and rosters from nflverse, then upsert them in one
    transaction and re-resolve unknown positions. Nothing changes if any part fails."""
    seasons = tuple(sorted(set(seasons)))
    if not seasons:
        raise UsageError("sync nfl needs at least one season (e.g. --seasons 2025)")
    require_writable(settings, "sync nfl")
    check_seasons(seasons)
    now = now or datetime.now(UTC)
    steps = TaskProgress(progress, TASK, total=len(seasons) + 2)
    data = load_seasons(seasons, on_loaded=lambda what: steps.step(f"loaded {what}"))
    games, rosters, unmapped = _normalised(data)
    with (
        one_line_database_errors("sync nfl changed nothing"),
        connect(settings, application_name="cfbops sync nfl") as conn,
    ):
        with advisory_lock(conn, NFL_SYNC_LOCK, wait_s=wait_s), conn.transaction():
            result = _write(conn, seasons, games, rosters, unmapped, now)
    steps.step(
        f"{result.games_inserted} games new, {result.rosters_inserted} roster rows new, "
        f"{result.unknown.share:.1%} positions unknown"
    )
    return result


def _normalised(
    data: NflverseSeasons,
) -> tuple[list[tuple], list[tuple], tuple[str, ...]]:
    """Team codes of every era made today's (OAK→LV …); names as nflverse spells them."""
    unmapped: set[str] = set()

    def code(text: str | None) -> str | None:
        if text is None:
            return None
        mapped = team_code(text)
        if mapped is None:
            unmapped.add(text)
            return text
        return mapped

    away, home = SCHEDULE_COLUMNS.index("away_team"), SCHEDULE_COLUMNS.index("home_team")
    games = []
    for row in data.schedule_rows:
        values = list(row)
        values[away], values[home] = code(values[away]), code(values[home])
        games.append(tuple(values))

    team, full, first, last = (
        ROSTER_COLUMNS.index(c) for c in ("team", "full_name", "first_name", "last_name")
    )
    rosters = []
    for row in data.roster_rows:
        values = list(row)
        values[team] = code(values[team])
        if not values[full]:
            values[full] = " ".join(p for p in (values[first], values[last]) if p) or None
        rosters.append(tuple(values))
    return games, rosters, tuple(sorted(unmapped))


def _write(
    conn: psycopg.Connection,
    seasons: tuple[int, ...],
    games: list[tuple],
    rosters: list[tuple],
    unmapped: tuple[str, ...],
    now: datetime,
) -> NflSyncResult:
    with conn.cursor() as cur:
        cur.execute(STAGE_SQL)
        with cur.copy(f"COPY sync_games ({', '.join(SCHEDULE_COLUMNS)}) FROM STDIN") as copy:
            for row in games:
                copy.write_row(row)
        staged_roster_columns = ", ".join(
            "player_name" if c == "full_name" else c for c in ROSTER_COLUMNS
        )
        with cur.copy(f"COPY sync_rosters ({staged_roster_columns}) FROM STDIN") as copy:
            for row in rosters:
                copy.write_row(row)
        renamed = cur.execute(ADOPT_PLACEHOLDER_GAMES_SQL).rowcount
        game_rows = cur.execute(UPSERT_GAMES_SQL, {"now": now}).fetchall()
        weeks = cur.execute(INSERT_WEEKS_SQL).rowcount
        keyed = cur.execute(UPSERT_KEYED_ROSTERS_SQL).fetchall()
        unkeyed = cur.execute(INSERT_UNKEYED_ROSTERS_SQL).rowcount
    resolved = resolve_unknown_positions(conn)
    return NflSyncResult(
        seasons=seasons,
        games_loaded=len(games),
        games_inserted=sum(1 for (inserted,) in game_rows if inserted),
        games_updated=sum(1 for (inserted,) in game_rows if not inserted),
        games_renamed=renamed,
        weeks_inserted=weeks,
        rosters_loaded=len(rosters),
        rosters_inserted=sum(1 for (inserted,) in keyed if inserted) + unkeyed,
        rosters_updated=sum(1 for (inserted,) in keyed if not inserted),
        positions_resolved=resolved,
        unknown=unknown_positions(conn),
        unmapped_teams=unmapped,
    )
