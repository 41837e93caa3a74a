"""Refresh marts under the operations lock, keep the history, report progress.

`refresh_marts` is the one entry point: the headless command and the console call it alike.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import psycopg

from cfbops.config import Settings
from cfbops.db.cancel import Cancellation
from cfbops.db.connect import connect, one_line_database_errors, require_writable
from cfbops.db.locks import DEFAULT_WAIT_S, OPERATIONS_LOCK, LockHolder, advisory_lock
from cfbops.errors import UsageError
from cfbops.marts.catalog import MartCatalog, read_catalog
from cfbops.marts.history import (
    ensure_history_schema,
    finish_run,
    last_refreshes,
    record_mart,
    start_run,
)
from cfbops.marts.models import (
    MartResult,
    MartStatus,
    RefreshMode,
    RefreshPlan,
    RefreshRun,
    RunStatus,
)
from cfbops.marts.plan import plan_refresh
from cfbops.marts.reader_watch import DEFAULT_READER_WAIT_S
from cfbops.marts.runs import mark_dead_runs
from cfbops.marts.scheduler import execute_plan
from cfbops.marts.steps import MartOutcome
from cfbops.progress import Progress, ProgressCallback, ignore_progress

TASK = "refresh"


def refresh_marts(
    settings: Settings,
    selection: Sequence[str] = (),
    *,
    stale_only: bool = False,
    workers: int = 1,
    mode: RefreshMode = RefreshMode.AUTO,
    wait_s: float | None = DEFAULT_WAIT_S,
    statement_timeout: str | None = None,
    progress: ProgressCallback = ignore_progress,
    lock_wait_s: float = DEFAULT_READER_WAIT_S,
    cancellation: Cancellation | None = None,
) -> RefreshRun:
    """Refresh the selected marts in dependency order; every considered mart is reported.

    Holds the operations lock for the whole run (LockBusy, exit 4, when another run or a
    migration keeps it past `wait_s`). A failed mart skips exactly its descendants. A
    plainly refreshed mart never keeps a reader outside the run waiting past `lock_wait_s`.
    `cancellation.cancel()` from another thread stops the run (OperationCancelled), its
    REFRESH statements cancelled and the run recorded 'cancelled'.
    """
    if lock_wait_s < 0:
        raise UsageError(f"--lock-wait must be 0 or more seconds, not {lock_wait_s:g}")
    if workers < 1:
        raise UsageError(f"--workers must be at least 1, not {workers}")
    require_writable(settings, "refresh")
    cancellation = cancellation or Cancellation("the refresh")
    lock_reporter = _lock_reporter(cancellation.guard(progress))
    with (
        one_line_database_errors("refresh could not run"),
        connect(settings, application_name="cfbops refresh") as conn,
    ):
        with advisory_lock(conn, OPERATIONS_LOCK, wait_s=wait_s, on_wait=lock_reporter):
            began = time.monotonic()
            ensure_history_schema(conn)
            mark_dead_runs(conn)
            cancellation.check()
            catalog = read_catalog(conn)
            plan = plan_refresh(
                conn,
                catalog,
                selection,
                stale_only=stale_only,
                mode=mode,
                statement_timeout=statement_timeout or settings.statement_timeout,
            )
            run_id = start_run(conn, plan, workers)
            results = _run_plan(
                settings,
                conn,
                catalog,
                plan,
                run_id,
                workers,
                began,
                progress,
                lock_wait_s,
                cancellation,
            )
            wall_ms = (time.monotonic() - began) * 1000
            failed = any(r.status is MartStatus.FAILED for r in results)
            finish_run(conn, run_id, RunStatus.FAILED if failed else RunStatus.SUCCEEDED, wall_ms)
    return RefreshRun(
        run_id=run_id,
        views=results,
        wall_ms=wall_ms,
        workers=workers,
        mode=mode,
        stale_only=stale_only,
        selection=tuple(selection),
        warnings=plan.warnings,
    )


def preview_refresh(
    settings: Settings,
    selection: Sequence[str] = (),
    *,
    stale_only: bool = False,
    mode: RefreshMode = RefreshMode.AUTO,
    statement_timeout: str | None = None,
) -> RefreshPlan:
    """What `refresh_marts` would do now, without the lock and without writing anything."""
    with (
        one_line_database_errors("refresh could not run"),
        connect(settings, application_name="cfbops refresh --plan") as conn,
    ):
        return plan_refresh(
            conn,
            read_catalog(conn),
            selection,
            stale_only=stale_only,
            mode=mode,
            statement_timeout=statement_timeout or settings.statement_timeout,
        )


def _run_plan(
    settings: Settings,
    conn: psycopg.Connection,
    catalog: MartCatalog,
    plan: RefreshPlan,
    run_id: int,
    workers: int,
    began: float,
    progress: ProgressCallback,
    lock_wait_s: float,
    cancellation: Cancellation,
) -> tuple[MartResult, ...]:
    settled: dict[str, MartResult] = {}
    total = len(plan.to_refresh)

    def on_outcome(outcome: MartOutcome) -> None:
        cancellation.check()  # a mart the cancel cut short is not recorded as failed
        result = outcome.result
        record_mart(conn, run_id, result, outcome.inputs)
        settled[result.name] = result
        progress(Progress(TASK, len(settled), total, _describe(result), started_at=began))

    history = last_refreshes(conn)
    weights = {name: last.median_ms or last.duration_ms for name, last in history.items()}
    try:
        execute_plan(
            settings,
            catalog,
            plan,
            workers=workers,
            weights=weights,
            on_outcome=on_outcome,
            reader_wait_s=lock_wait_s,
            run_pids=(conn.info.backend_pid,),
            cancellation=cancellation,
        )
    except BaseException:
        status = RunStatus.CANCELLED if cancellation.cancelled else RunStatus.INTERRUPTED
        with contextlib.suppress(psycopg.Error):
            finish_run(conn, run_id, status, (time.monotonic() - began) * 1000)
        raise
    for planned in plan.marts:
        if not planned.refresh:
            fresh = MartResult(planned.name, MartStatus.FRESH, reason=planned.reason)
            record_mart(conn, run_id, fresh, None)
            settled[planned.name] = fresh
    trends = last_refreshes(conn)
    results = []
    for planned in plan.marts:
        result = settled[planned.name]
        trend = trends.get(planned.name)
        if result.status is MartStatus.REFRESHED and trend is not None:
            result = replace(result, median_ms=trend.median_ms, regression=trend.regression)
        results.append(result)
    return tuple(results)


def _describe(result: MartResult) -> str:
    if result.status is MartStatus.REFRESHED:
        mode = result.mode.value if result.mode else "?"
        rows = "" if result.rows is None else f", {result.rows:,} row{'s' * (result.rows != 1)}"
        return f"{result.name} refreshed ({mode}, {_duration(result.duration_ms)}{rows})"
    first_line = (result.error or "").strip().split("\n", 1)[0]
    return f"{result.name} {result.status.value}: {first_line}"


def _duration(ms: float | None) -> str:
    ms = ms or 0.0
    return f"{ms:.0f}ms" if ms < 1000 else f"{ms / 1000:.1f}s"


def _lock_reporter(progress: ProgressCallback) -> Callable[[LockHolder | None, float], None]:
    def report(holder: LockHolder | None, seconds_left: float) -> None:
        who = holder.describe() if holder else "another session"
        message = f"waiting for the {OPERATIONS_LOCK} lock held by {who} ({seconds_left:.0f}s left)"
        progress(Progress(TASK, 0, None, message))

    return report
