"""Refresh one mart on one connection: inputs snapshot, REFRESH, ANALYZE, row count."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from cfbops.marts.catalog import Mart
from cfbops.marts.models import AppliedMode, MartResult, MartStatus, PlannedMart
from cfbops.marts.staleness import mart_signature, read_signatures, signature_json

LOCK_ATTEMPTS = 3

# reltuples after ANALYZE is exact when ANALYZE read every page (300 × statistics target).
ROWS_SQL = """
SELECT c.reltuples::bigint,
       c.relpages > 300 * current_setting('default_statistics_target')::int,
       clock_timestamp()
FROM pg_class c WHERE c.oid = %s
"""


@dataclass(frozen=True, slots=True)
class MartOutcome:
    """A mart's result and the input signature taken just before its refresh."""

    result: MartResult
    inputs: dict[str, list[Any]] | None


def refresh_one(
    conn: psycopg.Connection,
    mart: Mart,
    planned: PlannedMart,
    input_oids: tuple[int, ...],
) -> MartOutcome:
    """Refresh `mart` as planned; a database error becomes a failed result, not an exception."""
    assert planned.mode is not None
    started_at: datetime | None = None
    began = time.perf_counter()
    try:
        started_at = _now(conn)
        conn.execute(
            "SELECT set_config('statement_timeout', %s, false)", (planned.statement_timeout,)
        )
        signature = mart_signature(read_signatures(conn, input_oids), input_oids)
        began = time.perf_counter()
        _refresh(conn, mart, planned.mode)
        conn.execute(sql.SQL("ANALYZE {}").format(mart.identifier))
        duration_ms = (time.perf_counter() - began) * 1000
        rows, estimated = _rows(conn, mart)
        _flush_statistics(conn)
    except psycopg.Error as exc:
        return MartOutcome(
            MartResult(
                name=mart.name,
                status=MartStatus.FAILED,
                mode=planned.mode,
                duration_ms=(time.perf_counter() - began) * 1000,
                error=_describe(exc, planned.statement_timeout),
                reason=planned.reason,
                started_at=started_at,
            ),
            None,
        )
    finally:
        if not conn.closed and not conn.broken:
            conn.execute("RESET statement_timeout")
    return MartOutcome(
        MartResult(
            name=mart.name,
            status=MartStatus.REFRESHED,
            mode=planned.mode,
            duration_ms=duration_ms,
            rows=rows,
            reason=planned.reason,
            started_at=started_at,
            rows_estimated=estimated,
        ),
        signature_json(signature),
    )


def _refresh(conn: psycopg.Connection, mart: Mart, mode: AppliedMode) -> None:
    statement = (
        sql.SQL("REFRESH MATERIALIZED VIEW CONCURRENTLY {}")
        if mode is AppliedMode.CONCURRENT
        else sql.SQL("REFRESH MATERIALIZED VIEW {}")
    ).format(mart.identifier)
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        try:
            conn.execute(statement)
            return
        except psycopg.errors.LockNotAvailable:
            # lock_timeout: a long reader holds the mart; let it finish and try again.
            if attempt == LOCK_ATTEMPTS:
                raise
            time.sleep(attempt)


def _rows(conn: psycopg.Connection, mart: Mart) -> tuple[int | None, bool]:
    row = conn.execute(ROWS_SQL, (mart.oid,)).fetchone()
    if row is None or row[0] < 0:
        return None, False
    return int(row[0]), bool(row[1])


def _flush_statistics(conn: psycopg.Connection) -> None:
    # PostgreSQL 15+: push this session's counters now, so a mart refreshed next (by any
    # worker) sees this refresh in its input snapshot instead of a second later.
    if conn.info.server_version >= 150000:
        conn.execute("SELECT pg_stat_force_next_flush()")


def _now(conn: psycopg.Connection) -> datetime:
    row = conn.execute("SELECT clock_timestamp()").fetchone()
    assert row is not None
    return row[0]


def _describe(exc: psycopg.Error, statement_timeout: str) -> str:
    diag = exc.diag
    message = diag.message_primary or str(exc).strip().splitlines()[0]
    if diag.sqlstate == "57014" and "statement timeout" in message:
        message = f"{message} (limit {_milliseconds(statement_timeout)})"
    if diag.context:
        first = diag.context.strip().splitlines()[0]
        message = f"{message} ({first})"
    return message


def _milliseconds(value: str) -> str:
    return f"{value}ms" if value.isdigit() else value
