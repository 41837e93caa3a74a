"""Refresh history in `ops`: one row per run, one per mart per run, kept."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from cfbops.db.ops_objects import REFRESH_OBJECTS, ensure_objects, objects_exist
from cfbops.marts.models import AppliedMode, MartResult, MartStatus, RefreshPlan, RunStatus

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


def history_exists(conn: psycopg.Connection) -> bool:
    return objects_exist(conn, REFRESH_OBJECTS)


def ensure_history_schema(conn: psycopg.Connection) -> None:
    """Writers only: create the refresh history's tables (and its later columns) if missing."""
    ensure_objects(conn, REFRESH_OBJECTS)


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
