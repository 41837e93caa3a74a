"""SQLite files shaped like the picks app's, built by the tests themselves: the 2026-02-03
backup (v1–v8: created_at before game_id, no games table, duplicates allowed) and the
current v20 shape.

Values go in as the app's Python sqlite3 binds them: a `bytes` value is a BLOB (what a
numpy integer became: `struct.pack('<i', 1)`), a `str` is text (NUL bytes and all). `Raw`
puts an SQL expression in instead, for what Python cannot bind (text that is not UTF-8).
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Raw:
    """An SQL expression as a cell's value, e.g. Raw("CAST(X'FF' AS TEXT)")."""

    expression: str


def numpy_int32(value: int) -> bytes:
    """What the app's sqlite3 stored for a numpy.int32: its 4 little-endian bytes."""
    return struct.pack("<i", value)


def not_utf8_text(data: bytes) -> Raw:
    """Text whose bytes are not UTF-8 (a TEXT cell, not a BLOB)."""
    return Raw(f"CAST(X'{data.hex()}' AS TEXT)")


BACKUP_DDL = """
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,
    email TEXT UNIQUE, group_id INTEGER DEFAULT 1, is_admin BOOLEAN DEFAULT 0,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE weeks (id INTEGER PRIMARY KEY AUTOINCREMENT, season INTEGER NOT NULL,
    week INTEGER NOT NULL, started_at TIMESTAMP, ended_at TIMESTAMP,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, UNIQUE (season, week));
CREATE TABLE picks (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL,
    week_id INTEGER NOT NULL, team TEXT NOT NULL, player_name TEXT NOT NULL, odds REAL,
    theoretical_return REAL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    FOREIGN KEY (week_id) REFERENCES weeks (id) ON DELETE CASCADE);
ALTER TABLE picks ADD COLUMN game_id TEXT;
CREATE TABLE results (id INTEGER PRIMARY KEY AUTOINCREMENT, pick_id INTEGER NOT NULL,
    actual_scorer TEXT, is_correct BOOLEAN DEFAULT NULL, actual_return REAL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (pick_id) REFERENCES picks (id) ON DELETE CASCADE);
ALTER TABLE results ADD COLUMN any_time_td BOOLEAN DEFAULT NULL;
CREATE TABLE kickoff_decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, game_id TEXT NOT NULL,
    team TEXT NOT NULL, decision TEXT NOT NULL, result TEXT,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE player_stats (id INTEGER PRIMARY KEY AUTOINCREMENT, player_name TEXT NOT NULL,
    season INTEGER NOT NULL, team TEXT NOT NULL, position TEXT, games_played INTEGER DEFAULT 0,
    first_td_count INTEGER DEFAULT 0, any_time_td_count INTEGER DEFAULT 0,
    red_zone_targets INTEGER DEFAULT 0, red_zone_touches INTEGER DEFAULT 0,
    last_td_week INTEGER, recent_form TEXT DEFAULT 'AVERAGE',
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, UNIQUE (player_name, season, team));
CREATE TABLE team_ratings (id INTEGER PRIMARY KEY AUTOINCREMENT, team TEXT NOT NULL,
    season INTEGER NOT NULL, week INTEGER NOT NULL, elo_rating REAL DEFAULT 1500.0);
CREATE TABLE schema_version (version INTEGER PRIMARY KEY,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, description TEXT);
"""

# The current shape: v11 rebuilt picks (game_id before created_at, one pick per player).
CURRENT_DDL = """
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,
    email TEXT UNIQUE, group_id INTEGER DEFAULT 1, is_admin BOOLEAN DEFAULT 0,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, base_bet REAL DEFAULT NULL);
CREATE TABLE weeks (id INTEGER PRIMARY KEY AUTOINCREMENT, season INTEGER NOT NULL,
    week INTEGER NOT NULL, started_at TIMESTAMP, ended_at TIMESTAMP,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, UNIQUE (season, week));
CREATE TABLE picks (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL,
    week_id INTEGER NOT NULL, team TEXT NOT NULL, player_name TEXT NOT NULL, odds REAL,
    theoretical_return REAL, game_id TEXT, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, week_id, player_name));
CREATE TABLE results (id INTEGER PRIMARY KEY AUTOINCREMENT, pick_id INTEGER NOT NULL UNIQUE,
    actual_scorer TEXT, is_correct BOOLEAN DEFAULT NULL, actual_return REAL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, any_time_td BOOLEAN DEFAULT NULL);
CREATE TABLE player_stats (id INTEGER PRIMARY KEY AUTOINCREMENT, player_name TEXT NOT NULL,
    season INTEGER NOT NULL, team TEXT NOT NULL, position TEXT, games_played INTEGER DEFAULT 0,
    first_td_count INTEGER DEFAULT 0, any_time_td_count INTEGER DEFAULT 0,
    red_zone_targets INTEGER DEFAULT 0, red_zone_touches INTEGER DEFAULT 0,
    last_td_week INTEGER, recent_form TEXT DEFAULT 'AVERAGE',
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, UNIQUE (player_name, season, team));
CREATE TABLE games (id TEXT PRIMARY KEY, season INTEGER NOT NULL, week INTEGER NOT NULL,
    game_date DATE NOT NULL, home_team TEXT NOT NULL, away_team TEXT NOT NULL,
    home_score INTEGER, away_score INTEGER, status TEXT DEFAULT 'scheduled',
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    deleted_at TIMESTAMP DEFAULT NULL, UNIQUE (season, week, home_team, away_team));
CREATE TABLE rosters (id INTEGER PRIMARY KEY AUTOINCREMENT, season INTEGER NOT NULL,
    player_name TEXT NOT NULL, team TEXT NOT NULL, position TEXT NOT NULL);
CREATE TABLE schema_version (version INTEGER PRIMARY KEY,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, description TEXT);
"""


def build_file(
    path: Path,
    ddl: str,
    versions: Iterable[int],
    tables: dict[str, Sequence[dict[str, Any]]],
) -> Path:
    """A SQLite file with the shape `ddl` and the rows `tables` (column name → value)."""
    conn = sqlite3.connect(path)
    try:
        conn.executescript(ddl)
        conn.executemany(
            "INSERT INTO schema_version (version, description) VALUES (?, ?)",
            [(v, f"migration {v}") for v in versions],
        )
        for table, rows in tables.items():
            for row in rows:
                columns = ", ".join(row)
                marks = ", ".join(v.expression if isinstance(v, Raw) else "?" for v in row.values())
                values = tuple(v for v in row.values() if not isinstance(v, Raw))
                conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
        conn.commit()
    finally:
        conn.close()
    return path


def backup_file(path: Path, tables: dict[str, Sequence[dict[str, Any]]]) -> Path:
    return build_file(path, BACKUP_DDL, range(1, 9), tables)


def current_file(path: Path, tables: dict[str, Sequence[dict[str, Any]]]) -> Path:
    return build_file(path, CURRENT_DDL, range(1, 21), tables)
