"""`sync nfl`: nflverse schedules and rosters into nfl.games and nfl.rosters, in one go.

Everything is loaded first and written in one transaction afterwards: a download that
fails half-way leaves the tables as they were, and no transaction waits on the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

from cfbops.config import Settings
from cfbops.db.connect import connect, one_line_database_errors, require_writable
from cfbops.db.locks import DEFAULT_WAIT_S, advisory_lock
from cfbops.errors import UsageError
from cfbops.nfl.nflverse import (
    ROSTER_COLUMNS,
    SCHEDULE_COLUMNS,
    NflverseSeasons,
    check_seasons,
    load_directory,
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
from cfbops.queries import package_sql

TASK = "sync nfl"
# One writer of the picks game's nflverse data at a time.
NFL_SYNC_LOCK = "cfbops.nfl.sync"
PACKAGE = "cfbops.nfl"


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
    source_dir: Path | None = None,
) -> NflSyncResult:
    """Load the seasons' schedules and rosters from nflverse (or nflverse's files in
    `source_dir`), then upsert them in one transaction and re-resolve unknown positions.
    Nothing changes if any part fails."""
    seasons = tuple(sorted(set(seasons)))
    if not seasons:
        raise UsageError("sync nfl needs at least one season (e.g. --seasons 2025)")
    require_writable(settings, "sync nfl")
    check_seasons(seasons)
    now = now or datetime.now(UTC)
    steps = TaskProgress(progress, TASK, total=len(seasons) + 2)

    def loaded(what: str) -> None:
        steps.step(f"loaded {what}")

    data = (
        load_directory(source_dir, seasons, on_loaded=loaded)
        if source_dir is not None
        else load_seasons(seasons, on_loaded=loaded)
    )
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
        cur.execute(package_sql(PACKAGE, "sync_stage"))
        with cur.copy(_copy_into("sync_games", SCHEDULE_COLUMNS)) as copy:
            for row in games:
                copy.write_row(row)
        staged = tuple("player_name" if c == "full_name" else c for c in ROSTER_COLUMNS)
        with cur.copy(_copy_into("sync_rosters", staged)) as copy:
            for row in rosters:
                copy.write_row(row)
        renamed = cur.execute(package_sql(PACKAGE, "sync_adopt_placeholder_games")).rowcount
        game_rows = cur.execute(package_sql(PACKAGE, "sync_upsert_games"), {"now": now}).fetchall()
        weeks = cur.execute(package_sql(PACKAGE, "sync_insert_weeks")).rowcount
        keyed = cur.execute(package_sql(PACKAGE, "sync_upsert_keyed_rosters")).fetchall()
        unkeyed = cur.execute(package_sql(PACKAGE, "sync_insert_unkeyed_rosters")).rowcount
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


def _copy_into(table: str, columns: Sequence[str]) -> sql.Composed:
    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
