"""The two steps of one mart: REFRESH on a worker connection, then ANALYZE on the analyzer's.

ANALYZE runs on its own connection so that a worker moves on to the next ready mart while
the statistics of the last one are gathered; marts downstream still wait for both steps.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from cfbops.db.autovacuum import outwaiting_autovacuum_ms
from cfbops.marts.catalog import Mart
from cfbops.marts.models import AppliedMode, MartResult, MartStatus, PlannedMart
from cfbops.marts.reader_watch import ReaderWatch
from cfbops.marts.staleness import mart_signature, read_signatures, signature_json

LOCK_ATTEMPTS = 3
# A plain refresh takes its lock in short tries, as the migration engine does: a try that
# waits longer would queue every reader behind it (migrate.lock_attempts).
TRY_LOCK_TIMEOUT = "25ms"
FIRST_PAUSE_S = 0.05
MAX_PAUSE_S = 0.4

# reltuples after ANALYZE is exact when ANALYZE read every page (300 × statistics target).
ROWS_SQL = """
SELECT c.reltuples::bigint,
       c.relpages > 300 * current_setting('default_statistics_target')::int
FROM pg_class c WHERE c.oid = %s
"""


@dataclass(frozen=True, slots=True)
class MartOutcome:
    """A mart's result and the input signature taken just before its refresh."""

    result: MartResult
    inputs: dict[str, list[Any]] | None

    @property
    def refreshed(self) -> bool:
        return self.result.status is MartStatus.REFRESHED


def refresh_mart(
    conn: psycopg.Connection,
    mart: Mart,
    planned: PlannedMart,
    input_oids: tuple[int, ...],
    watch: ReaderWatch | None = None,
) -> MartOutcome:
    """REFRESH `mart` as planned; a database error becomes a failed result, not an exception.

    A plain refresh under `watch` gives way to readers: it becomes a CONCURRENTLY one when a
    reader would otherwise wait on it longer than the watch allows.
    """
    assert planned.mode is not None
    mode, mode_reason = planned.mode, planned.mode_reason
    started_at: datetime | None = None
    began = time.perf_counter()
    try:
        conn.execute(
            "SELECT set_config('statement_timeout', %s, false)", (planned.statement_timeout,)
        )
        if planned.work_mem is not None:
            conn.execute("SELECT set_config('work_mem', %s, false)", (planned.work_mem,))
        signature = mart_signature(read_signatures(conn, input_oids), input_oids)
        # Taken just before the REFRESH, so started_at + duration_ms is when it ended.
        started_at = _now(conn)
        began = time.perf_counter()
        if mode is AppliedMode.PLAIN and watch is not None and mart.concurrent_ok:
            gave_way = _refresh_plain_giving_way(conn, mart, watch)
            if gave_way is not None:
                mode, mode_reason = AppliedMode.CONCURRENT, gave_way
                _refresh(conn, mart, mode)
        else:
            _refresh(conn, mart, mode)
        duration_ms = (time.perf_counter() - began) * 1000
        _flush_statistics(conn)
    except psycopg.Error as exc:
        return MartOutcome(
            MartResult(
                name=mart.name,
                status=MartStatus.FAILED,
                mode=mode,
                duration_ms=(time.perf_counter() - began) * 1000,
                error=_describe(exc, planned.statement_timeout),
                reason=planned.reason,
                started_at=started_at,
                mode_reason=mode_reason,
            ),
            None,
        )
    finally:
        if not conn.closed and not conn.broken:
            conn.execute("RESET statement_timeout")
            conn.execute("RESET work_mem")
    result = MartResult(
        name=mart.name,
        status=MartStatus.REFRESHED,
        mode=mode,
        duration_ms=duration_ms,
        reason=planned.reason,
        started_at=started_at,
        mode_reason=mode_reason,
    )
    return MartOutcome(result, signature_json(signature))


def analyze_mart(conn: psycopg.Connection, mart: Mart, refreshed: MartOutcome) -> MartOutcome:
    """ANALYZE a refreshed mart and read its row count; a failure is noted, not fatal."""
    began = time.perf_counter()
    try:
        conn.execute(sql.SQL("ANALYZE {}").format(mart.identifier))
        analyze_ms = (time.perf_counter() - began) * 1000
        row = conn.execute(ROWS_SQL, (mart.oid,)).fetchone()
    except psycopg.Error as exc:
        error = f"refreshed, but ANALYZE failed: {_describe(exc, '0')}"
        return replace(refreshed, result=replace(refreshed.result, error=error))
    rows, estimated = (int(row[0]), bool(row[1])) if row and row[0] >= 0 else (None, False)
    result = replace(refreshed.result, rows=rows, rows_estimated=estimated, analyze_ms=analyze_ms)
    return replace(refreshed, result=result)


def with_rows(refreshed: MartOutcome, rows: int | None) -> MartOutcome:
    """A refreshed mart not analyzed again: its rows as last counted."""
    return replace(refreshed, result=replace(refreshed.result, rows=rows))


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


class _GaveWay(Exception):
    def __init__(self, waited_s: float) -> None:
        super().__init__(waited_s)
        self.waited_s = waited_s


def _refresh_plain_giving_way(
    conn: psycopg.Connection, mart: Mart, watch: ReaderWatch
) -> str | None:
    """A plain REFRESH that never keeps a reader waiting past the watch's limit. None when it
    was done; else why it was not (the caller then refreshes CONCURRENTLY)."""
    give_up_at = time.monotonic() + watch.reader_wait_s
    pause = FIRST_PAUSE_S
    lock_timeout = TRY_LOCK_TIMEOUT
    outwaited = False  # once: a VACUUM against wraparound is never cancelled
    statement = sql.SQL("REFRESH MATERIALIZED VIEW {}").format(mart.identifier)
    while True:
        try:
            # The REFRESH's first step is its lock on the mart (LOCK TABLE refuses marts):
            # within a try's short lock_timeout, or it steps out of the queue.
            with conn.transaction():
                conn.execute("SELECT set_config('lock_timeout', %s, true)", (lock_timeout,))
                with watch.guarding(mart.oid, conn.info.backend_pid) as guard:
                    try:
                        conn.execute(statement)
                    except psycopg.errors.QueryCanceled:
                        if guard.cancelled:
                            raise _GaveWay(guard.waited_s) from None
                        raise
            return None
        except _GaveWay as gave_way:
            return (
                f"a reader waited {gave_way.waited_s:.1f}s on its plain refresh "
                f"(--lock-wait {watch.reader_wait_s:g}s): refreshed concurrently"
            )
        except psycopg.errors.LockNotAvailable:
            # Autovacuum (after the last refresh rewrote the mart) gives way to a try that
            # waits past deadlock_timeout; readers queued behind it meanwhile stay watched.
            outwait_ms = None if outwaited else outwaiting_autovacuum_ms(conn, mart.oid)
            left_ms = int((give_up_at - time.monotonic()) * 1000)
            if outwait_ms is not None and left_ms > 0:
                lock_timeout, outwaited = f"{min(outwait_ms, left_ms)}ms", True
                continue
            lock_timeout = TRY_LOCK_TIMEOUT
            delay = random.uniform(0.5, 1.0) * pause
            if time.monotonic() + delay > give_up_at:
                return (
                    f"readers held it past --lock-wait ({watch.reader_wait_s:g}s): "
                    "refreshed concurrently"
                )
            time.sleep(delay)
            pause = min(MAX_PAUSE_S, pause * 1.5)


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
    """PostgreSQL's message on the first line (what a table shows), then its DETAIL, HINT
    and CONTEXT lines in full (what JSON and the history keep)."""
    diag = exc.diag
    message = diag.message_primary or str(exc).strip().splitlines()[0]
    if diag.sqlstate == "57014" and "statement timeout" in message:
        message = f"{message} (limit {_milliseconds(statement_timeout)})"
    lines = [message]
    for label, text in (("DETAIL", diag.message_detail), ("HINT", diag.message_hint)):
        if text:
            lines.append(f"{label}: {text.strip()}")
    if diag.context:
        lines += [f"CONTEXT: {line.strip()}" for line in diag.context.strip().splitlines()]
    return "\n".join(lines)


def _milliseconds(value: str) -> str:
    return f"{value}ms" if value.isdigit() else value
