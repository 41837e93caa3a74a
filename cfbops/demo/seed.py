"""Load the demo dataset into a migrated database, replacing what an earlier seed loaded.

The seed never touches data it did not load: a database whose tables hold rows no seed
recorded (a real warehouse, or rows added by hand since the last seed) is refused unless
`replace`. The old rows go and the new ones arrive in one transaction, so a failed or
interrupted seed leaves the database as it was; then the loaded tables are analyzed, so the
planner knows their sizes. Marts are left as they are; refresh them afterwards.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from cfbops.config import Settings, default_sql_dir
from cfbops.db.connect import connect, require_writable
from cfbops.db.locks import OPERATIONS_LOCK, advisory_lock
from cfbops.demo.generate import CLEARED_WITH_SEED, SEEDED_TABLES, generate
from cfbops.demo.scales import DEFAULT_SEED, scale_named
from cfbops.errors import UsageError
from cfbops.migrate.files import load_migrations
from cfbops.migrate.history import applied_migrations
from cfbops.migrate.state import migration_state
from cfbops.progress import ProgressCallback, ignore_progress

LATEST_RUN_SQL = """
SELECT scale, seed, rows, created_at FROM ops.seed_runs ORDER BY id DESC LIMIT 1
"""

RECORD_RUN_SQL = """
INSERT INTO ops.seed_runs (scale, seed, rows, seconds) VALUES (%s, %s, %s, %s)
"""


@dataclass(frozen=True, slots=True)
class SeedRun:
    """A seed recorded in ops.seed_runs."""

    scale: str
    seed: int
    rows: dict[str, int]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SeedResult:
    """What one seed loaded: rows per table (in load order) and how long it took."""

    scale: str
    seed: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    replaced: bool = False
    # Seconds spent in each of the generator's SQL files (cfbops/demo/queries/NAME.sql).
    file_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def seed_database(
    settings: Settings,
    scale: str,
    *,
    seed: int = DEFAULT_SEED,
    replace: bool = False,
    sql_dir: Path | None = None,
    progress: ProgressCallback = ignore_progress,
    wait_s: float | None = 60.0,
) -> SeedResult:
    """Replace the database's demo data with a fresh dataset of `scale`."""
    chosen = scale_named(scale)
    require_writable(settings, "seed")
    with connect(settings, application_name="cfbops seed") as conn:
        with advisory_lock(conn, OPERATIONS_LOCK, wait_s=wait_s):
            require_migrated(conn, sql_dir or default_sql_dir())
            holding = tables_with_rows(conn)
            if holding and not replace:
                refuse_foreign_rows(conn, holding)
            started = time.monotonic()
            with conn.transaction():
                conn.execute("SET LOCAL statement_timeout = 0")
                if holding:
                    truncate_seeded_tables(conn)
                generated = generate(conn, chosen, seed, progress)
                rows = count_rows(conn)
                seconds = round(time.monotonic() - started, 3)
                conn.execute(RECORD_RUN_SQL, (chosen.name, seed, Jsonb(rows), seconds))
            analyze_seeded_tables(conn)
    return SeedResult(
        chosen.name,
        seed,
        rows,
        seconds,
        replaced=bool(holding),
        file_seconds={name: round(s, 3) for name, s in generated.file_seconds.items()},
    )


def refuse_foreign_rows(conn: psycopg.Connection, holding: list[str]) -> None:
    """Raise a usage error unless every table holds exactly what the last seed loaded."""
    previous = latest_seed(conn)
    if previous is None:
        raise UsageError(
            "the database holds data cfbops seed did not load ("
            + _listed(holding)
            + " have rows); seed only an empty database, or pass --replace to replace it"
        )
    now = count_rows(conn)
    changed = [
        f"{name} {now[name]:,} rows, {previous.rows.get(name, 0):,} seeded"
        for name in SEEDED_TABLES
        if now[name] != previous.rows.get(name, 0)
    ]
    if changed:
        raise UsageError(
            "the database holds rows the last seed did not load ("
            + _listed(changed)
            + "); pass --replace to delete them with the demo data"
        )


def _listed(items: list[str]) -> str:
    return ", ".join(items[:3]) + (", …" if len(items) > 3 else "")


def analyze_seeded_tables(conn: psycopg.Connection) -> None:
    """Planner statistics for what the seed loaded: without them a mart's plan can take a
    minute where it takes a second."""
    tables = sql.SQL(", ").join(_table(name) for name in SEEDED_TABLES)
    conn.execute(sql.SQL("ANALYZE {}").format(tables))


def require_migrated(conn: psycopg.Connection, sql_dir: Path) -> None:
    """Raise a usage error unless every migration file has been applied."""
    if not applied_migrations_exist(conn):
        raise UsageError(
            "the database is not migrated; run 'cfbops --headless migrate' first, then seed"
        )
    versioned, repeatable = load_migrations(sql_dir)
    state = migration_state(conn, versioned, repeatable)
    if state.pending:
        raise UsageError(
            f"the database is not fully migrated ({len(state.pending)} migration(s) pending); "
            "run 'cfbops --headless migrate' first, then seed"
        )


def applied_migrations_exist(conn: psycopg.Connection) -> bool:
    return bool(applied_migrations(conn))  # empty when there is no history at all


def latest_seed(conn: psycopg.Connection) -> SeedRun | None:
    """The last seed recorded in the database, if any."""
    row = conn.execute(LATEST_RUN_SQL).fetchone()
    if row is None:
        return None
    return SeedRun(scale=row[0], seed=int(row[1]), rows=dict(row[2]), created_at=row[3])


def tables_with_rows(conn: psycopg.Connection) -> list[str]:
    """The seeded tables that hold at least one row."""
    checks = sql.SQL(" UNION ALL ").join(
        sql.SQL("(SELECT {} FROM {} LIMIT 1)").format(sql.Literal(name), _table(name))
        for name in SEEDED_TABLES
    )
    return [row[0] for row in conn.execute(checks).fetchall()]


def truncate_seeded_tables(conn: psycopg.Connection) -> None:
    tables = sql.SQL(", ").join(_table(name) for name in SEEDED_TABLES + CLEARED_WITH_SEED)
    conn.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY").format(tables))


def count_rows(conn: psycopg.Connection) -> dict[str, int]:
    """Exact row counts of every seeded table, in load order."""
    counts = sql.SQL(", ").join(
        sql.SQL("(SELECT count(*) FROM {})").format(_table(name)) for name in SEEDED_TABLES
    )
    row = conn.execute(sql.SQL("SELECT {}").format(counts)).fetchone()
    assert row is not None
    return dict(zip(SEEDED_TABLES, (int(value) for value in row), strict=True))


def _table(name: str) -> sql.Identifier:
    schema, table = name.split(".")
    return sql.Identifier(schema, table)
