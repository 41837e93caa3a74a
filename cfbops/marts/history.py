"""Refresh history in `ops`: one row per run, one per mart per run, kept."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from cfbops.config import default_sql_dir
from cfbops.errors import OperationFailed
from cfbops.marts.models import AppliedMode, MartResult, MartStatus, RefreshPlan, RunStatus

# The migrations that own these tables; the refresh runs them too until migrations have.
HISTORY_MIGRATION = "V0200__refresh_history.sql"
HOLDER_MIGRATION = "V0230__refresh_run_holder.sql"
PLANNED_MIGRATION = "V0296__refresh_run_cancelled_and_planned.sql"
STATUS_MIGRATION = "V0297__validate_refresh_run_status.sql"
HISTORY_OBJECTS = (
    "ops.refresh_run",
    "ops.mart_refresh",
    "ops.mart_dependency",
    "ops.mart_setting",
    "ops.mart_last_refresh",
)

# A mart refreshed in under this many milliseconds is never called slow: 3 ms after a
# 1 ms median is scheduling noise, and the table would show "0.0s" for both.
REGRESSION_FLOOR_MS = 100.0

LAST_REFRESH_SQL = """
SELECT mart, started_at, duration_ms, rows, median_ms, regression
FROM ops.mart_last_refresh
"""

LAST_INPUTS_SQL = """
SELECT DISTINCT ON (mart) mart, inputs
FROM ops.mart_refresh
WHERE status = 'refreshed' AND inputs IS NOT NULL AND mart = ANY(%(marts)s)
ORDER BY mart, run_id DESC
"""

LAST_RUN_SQL = """
SELECT run_id, finished_at, status
FROM ops.refresh_run
WHERE status <> 'running'
ORDER BY run_id DESC
LIMIT 1
"""

RUN_VIEWS_SQL = """
SELECT mart, status, mode, duration_ms, rows, error, reason, started_at, analyze_ms
FROM ops.mart_refresh
WHERE run_id = %s
ORDER BY started_at NULLS LAST, mart
"""


@dataclass(frozen=True, slots=True)
class LastRefresh:
    """A mart's last successful refresh and how it compares with the ones before it."""

    mart: str
    started_at: datetime
    duration_ms: float
    rows: int | None
    median_ms: float | None
    regression: bool


def history_migration_file(name: str = HISTORY_MIGRATION) -> Path:
    """One of the history's files in sql/migrations of the project's migrations."""
    path = default_sql_dir() / "migrations" / name
    if not path.is_file():
        raise OperationFailed(f"cannot find {path}; reinstall cfbops from its repository")
    return path


def history_exists(conn: psycopg.Connection) -> bool:
    row = conn.execute(
        "SELECT bool_and(to_regclass(name) IS NOT NULL) FROM unnest(%s::text[]) AS name",
        (list(HISTORY_OBJECTS),),
    ).fetchone()
    return bool(row and row[0])


def _latest_columns_exist(conn: psycopg.Connection) -> bool:
    """The run's holder pid (V0230) and its planned count (V0296) are both there."""
    row = conn.execute(
        "SELECT count(*) FROM pg_attribute WHERE attrelid = 'ops.refresh_run'::regclass "
        "AND attname IN ('pid', 'planned') AND NOT attisdropped"
    ).fetchone()
    return bool(row and row[0] == 2)


def ensure_history_schema(conn: psycopg.Connection) -> None:
    """Create the ops history tables if any part is missing (the migrations' files, idempotent)."""
    if history_exists(conn) and _latest_columns_exist(conn):
        return
    with conn.transaction():
        for name in (HISTORY_MIGRATION, HOLDER_MIGRATION, PLANNED_MIGRATION, STATUS_MIGRATION):
            conn.execute(history_migration_file(name).read_text(encoding="utf-8"))


def start_run(conn: psycopg.Connection, plan: RefreshPlan, workers: int) -> int:
    """Record a run held by this session (its pid holds the operations lock)."""
    row = conn.execute(
        """
        INSERT INTO ops.refresh_run
            (selection, stale_only, workers, mode, client, pid, planned)
        VALUES (%s, %s, %s, %s, current_setting('application_name'), pg_backend_pid(), %s)
        RETURNING run_id
        """,
        (list(plan.selection), plan.stale_only, workers, plan.mode.value, len(plan.to_refresh)),
    ).fetchone()
    assert row is not None
    return int(row[0])


def record_mart(
    conn: psycopg.Connection,
    run_id: int,
    result: MartResult,
    inputs: Mapping[str, Any] | None,
) -> None:
    conn.execute(
        """
        INSERT INTO ops.mart_refresh
            (mart, run_id, status, mode, started_at, duration_ms, analyze_ms, rows, error,
             reason, inputs)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb)
        """,
        (
            result.name,
            run_id,
            result.status.value,
            result.mode.value if result.mode else None,
            result.started_at,
            result.duration_ms,
            result.analyze_ms,
            result.rows,
            result.error,
            result.reason,
            None if inputs is None else json.dumps(inputs),
        ),
    )


def finish_run(conn: psycopg.Connection, run_id: int, status: RunStatus, wall_ms: float) -> None:
    conn.execute(
        """
        UPDATE ops.refresh_run
        SET status = %s, finished_at = clock_timestamp(), wall_ms = %s
        WHERE run_id = %s
        """,
        (status.value, wall_ms, run_id),
    )


def last_refreshes(conn: psycopg.Connection) -> dict[str, LastRefresh]:
    """Every mart's last successful refresh, with its rolling median and regression flag
    (never raised under REGRESSION_FLOOR_MS, where doubling is noise, not a slowdown)."""
    if not history_exists(conn):
        return {}
    last: dict[str, LastRefresh] = {}
    for mart, started_at, duration_ms, rows, median_ms, regression in conn.execute(
        LAST_REFRESH_SQL
    ):
        regression = bool(regression) and duration_ms >= REGRESSION_FLOOR_MS
        last[mart] = LastRefresh(mart, started_at, duration_ms, rows, median_ms, regression)
    return last


def last_inputs(conn: psycopg.Connection, marts: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The input signatures taken at each mart's last successful refresh."""
    if not history_exists(conn):
        return {}
    rows = conn.execute(LAST_INPUTS_SQL, {"marts": sorted(marts)}).fetchall()
    return {mart: inputs for mart, inputs in rows}


@dataclass(frozen=True, slots=True)
class FinishedRun:
    run_id: int
    finished_at: datetime | None
    status: str
    views: tuple[MartResult, ...]


def last_run(conn: psycopg.Connection) -> FinishedRun | None:
    """The last run that ended, whatever its outcome, with its marts as `refresh` reported
    them (call `mark_dead_runs` first so a run that died counts as ended)."""
    if not history_exists(conn):
        return None
    row = conn.execute(LAST_RUN_SQL).fetchone()
    if row is None:
        return None
    run_id, finished_at, status = row
    return FinishedRun(run_id, finished_at, status, run_views(conn, run_id))


def run_views(conn: psycopg.Connection, run_id: int) -> tuple[MartResult, ...]:
    """The marts of one run as `refresh` reported them."""
    return tuple(
        MartResult(
            name=name,
            status=MartStatus(mart_status),
            mode=AppliedMode(mode) if mode else None,
            duration_ms=duration_ms,
            rows=rows,
            error=error,
            reason=reason or "",
            started_at=started_at,
            analyze_ms=analyze_ms,
        )
        for name, mart_status, mode, duration_ms, rows, error, reason, started_at, analyze_ms in (
            conn.execute(RUN_VIEWS_SQL, (run_id,))
        )
    )
