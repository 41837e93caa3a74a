"""Read the picks app's SQLite file: the backup's shape (v1–v8) or the
current one (v20). Columns are read by name, never by position: the backup has
`picks.created_at` before `game_id`, the current shape the other way round."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cfbops.errors import UsageError

REQUIRED_TABLES = ("users", "weeks", "picks", "results")
IMPORTED_TABLES = ("users", "weeks", "games", "picks", "results", "player_stats")


@dataclass(frozen=True, slots=True)
class Fast6File:
    """The rows of the app's tables, each a dict by column name, in id order."""

    path: Path
    sha256: str
    shape: str
    schema_version: int | None
    rows: dict[str, list[dict[str, Any]]]
    # Tables cfbops does not take over (team_ratings, market_odds, …): name → row count.
    other_tables: dict[str, int]


def read_fast6(path: Path) -> Fast6File:
    """Every row of the tables cfbops imports; bad files fail with one line (exit 2)."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file; give the path of the picks app's SQLite file")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        # Read-only: the app's file is never changed by an import.
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise UsageError(f"{path}: cannot open it as SQLite ({error})") from None
    try:
        source.row_factory = sqlite3.Row
        try:
            tables = {
                row[0]
                for row in source.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                    " AND name NOT LIKE 'sqlite_%'"
                )
            }
        except sqlite3.DatabaseError:
            raise UsageError(
                f"{path}: not a SQLite database; give the picks app's data/fast6.db or a backup"
            ) from None
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise UsageError(
                f"{path}: not a picks app database (no {', '.join(missing)} table); "
                "give the app's data/fast6.db or a backup of it"
            )
        version = _schema_version(source, tables)
        rows = {
            table: [dict(row) for row in source.execute(f'SELECT * FROM "{table}" ORDER BY 1')]
            for table in IMPORTED_TABLES
            if table in tables
        }
        others = {
            table: source.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in sorted(tables - set(IMPORTED_TABLES) - {"schema_version"})
        }
    finally:
        source.close()
    return Fast6File(path, digest, _shape(version, tables), version, rows, others)


def _schema_version(source: sqlite3.Connection, tables: set[str]) -> int | None:
    if "schema_version" not in tables:
        return None
    row = source.execute("SELECT max(version) FROM schema_version").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _shape(version: int | None, tables: set[str]) -> str:
    if version is None:
        return "unversioned"
    if "games" not in tables:
        return f"backup (v{version}, no games table)"
    return f"v{version}"
