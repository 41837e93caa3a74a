"""Run checks on a read-only connection, each in its own transaction under a statement
timeout; a check that cannot run is reported as such and the others go on."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import Any

import psycopg

from cfbops.db.connect import connection_lost
from cfbops.progress import ProgressCallback, TaskProgress
from cfbops.quality.models import (
    SAMPLE_ROWS,
    Check,
    CheckContext,
    CheckOutcome,
    CheckResult,
    Failing,
)

DEFAULT_CHECK_TIMEOUT = "60s"

# Sample rows never carry a secret, whatever a check's query selects.
_SECRET_COLUMN = re.compile(r"password|passwd|secret|token|api_?key|email", re.IGNORECASE)


def evaluate_query(conn: psycopg.Connection, check: Check) -> Failing:
    """Count the failing rows, aggregate their summary, keep the first few as the sample."""
    assert check.query is not None
    # Without a summary a plain NULL: a scalar subquery over the failing rows would return many.
    summary = f"(SELECT ({check.summary})::text FROM failing)" if check.summary else "NULL::text"
    # The query comes from the registry's files, never from input: plain text is safe here.
    statement = (
        f"WITH failing AS MATERIALIZED (\n{check.query}\n)\n"
        "SELECT (SELECT count(*) FROM failing),\n"
        f"       {summary},\n"
        "       (SELECT coalesce(jsonb_agg(to_jsonb(s)), '[]'::jsonb)\n"
        f"          FROM (SELECT * FROM failing LIMIT {SAMPLE_ROWS}) AS s)"
    )
    row = conn.execute(statement).fetchone()
    assert row is not None
    count, summary_text, sample = row
    total = None
    if check.total_query:
        total_row = conn.execute(check.total_query).fetchone()
        total = int(total_row[0]) if total_row and total_row[0] is not None else 0
    return Failing(int(count), tuple(sample), total, summary_text)


def safe_sample(rows: Sequence[dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    return tuple(
        {k: v for k, v in row.items() if not _SECRET_COLUMN.search(k)} for row in rows[:SAMPLE_ROWS]
    )


def run_one(
    conn: psycopg.Connection, check: Check, context: CheckContext, statement_timeout: str
) -> CheckResult:
    started = time.perf_counter()
    try:
        with conn.transaction():
            conn.execute("SELECT set_config('statement_timeout', %s, true)", (statement_timeout,))
            if check.evaluate is not None:
                failing = check.evaluate(conn, context)
            else:
                failing = evaluate_query(conn, check)
    except (psycopg.Error, OSError) as exc:
        if connection_lost(exc):
            raise
        return CheckResult(
            check=check.name,
            family=check.family,
            severity=check.severity,
            outcome=CheckOutcome.NOT_RUN,
            message=f"cannot run: {_first_line(exc)}",
            error=_first_line(exc),
            duration_ms=(time.perf_counter() - started) * 1000,
        )
    failed = check.fails(failing)
    return CheckResult(
        check=check.name,
        family=check.family,
        severity=check.severity,
        outcome=CheckOutcome.FAILED if failed else CheckOutcome.PASSED,
        message=check.render(check.message, failing),
        action=check.render(check.action, failing) if failed else "",
        count=failing.count,
        total=failing.total,
        sample=safe_sample(failing.sample) if failed else (),
        duration_ms=(time.perf_counter() - started) * 1000,
    )


def run_checks(
    conn: psycopg.Connection,
    checks: Sequence[Check],
    context: CheckContext,
    *,
    statement_timeout: str = DEFAULT_CHECK_TIMEOUT,
    progress: ProgressCallback | None = None,
) -> tuple[CheckResult, ...]:
    """Every check in order on `conn` (which should be read-only)."""
    tracker = TaskProgress(progress, "check", len(checks)) if progress else None
    results = []
    for check in checks:
        results.append(run_one(conn, check, context, statement_timeout))
        if tracker:
            tracker.step(check.name)
    return tuple(results)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().split("\n", 1)[0]
    if isinstance(exc, psycopg.errors.QueryCanceled):
        return f"timed out ({text})"
    return text or type(exc).__name__
