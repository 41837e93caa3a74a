"""Runs and findings in `ops`, never replaced: states against the run before, and mutes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import psycopg
from psycopg.types.json import Jsonb

from cfbops.db.ops_objects import QUALITY_OBJECTS, ensure_objects, objects_exist
from cfbops.errors import UsageError
from cfbops.quality.models import CheckOutcome, CheckResult, FindingState


@dataclass(frozen=True, slots=True)
class Mute:
    check: str
    until: date
    reason: str


def history_exists(conn: psycopg.Connection) -> bool:
    return objects_exist(conn, QUALITY_OBJECTS)


def ensure_history_schema(conn: psycopg.Connection) -> None:
    """Writers only: create the check history's tables if any is missing."""
    ensure_objects(conn, QUALITY_OBJECTS)


def last_outcomes(conn: psycopg.Connection, checks: Iterable[str]) -> dict[str, CheckOutcome]:
    """Each check's outcome in the last run in which it ran (not_run rows are skipped)."""
    rows = conn.execute(
        """
        SELECT DISTINCT ON (check_name) check_name, outcome
        FROM ops.check_result
        WHERE check_name = ANY(%s) AND outcome <> 'not_run'
        ORDER BY check_name, run_id DESC
        """,
        (list(checks),),
    ).fetchall()
    return {name: CheckOutcome(outcome) for name, outcome in rows}


def active_mutes(conn: psycopg.Connection) -> dict[str, Mute]:
    """The newest mute of each check, if it has not expired (until is inclusive)."""
    rows = conn.execute(
        """
        SELECT check_name, until, reason FROM (
            SELECT DISTINCT ON (check_name) check_name, until, reason
            FROM ops.check_mute ORDER BY check_name, mute_id DESC
        ) AS newest
        WHERE until >= current_date
        """
    ).fetchall()
    return {name: Mute(name, until, reason) for name, until, reason in rows}


def add_mute(conn: psycopg.Connection, check: str, until: date, reason: str) -> Mute:
    conn.execute(
        "INSERT INTO ops.check_mute (check_name, until, reason) VALUES (%s, %s, %s)",
        (check, until, reason),
    )
    return Mute(check, until, reason)


def lift_mute(conn: psycopg.Connection, check: str) -> Mute:
    """End a check's standing mute today; the mute stays in the history, closed by a row that
    expired yesterday (the newest row decides). One line when nothing is muted."""
    mute = active_mutes(conn).get(check)
    if mute is None:
        raise UsageError(f"{check} is not muted: nothing to unmute")
    conn.execute(
        "INSERT INTO ops.check_mute (check_name, until, reason) VALUES (%s, current_date - 1, %s)",
        (check, f"unmuted (was muted until {mute.until.isoformat()}: {mute.reason})"),
    )
    return mute


def with_states(
    results: Sequence[CheckResult], previous: dict[str, CheckOutcome], mutes: dict[str, Mute]
) -> tuple[CheckResult, ...]:
    """new: failing now and not last time; open: failing both times; resolved: failing
    last time, passing now. A check that could not run keeps no state."""
    stated = []
    for result in results:
        before = previous.get(result.check)
        state = None
        if result.outcome is CheckOutcome.FAILED:
            state = FindingState.OPEN if before is CheckOutcome.FAILED else FindingState.NEW
        elif result.outcome is CheckOutcome.PASSED and before is CheckOutcome.FAILED:
            state = FindingState.RESOLVED
        mute = mutes.get(result.check)
        muted = mute is not None and result.outcome is CheckOutcome.FAILED
        message = result.message
        if muted and mute is not None:
            message += f" (muted until {mute.until.isoformat()}: {mute.reason})"
        stated.append(dataclasses.replace(result, state=state, muted=muted, message=message))
    return tuple(stated)


def record_run(
    conn: psycopg.Connection,
    selection: Sequence[str],
    results: Sequence[CheckResult],
    wall_ms: float,
    client: str,
) -> int:
    """Store one run and every check's result in one transaction; returns the run id."""
    with conn.transaction():
        row = conn.execute(
            """
            INSERT INTO ops.check_run (selection, wall_ms, client, finished_at)
            VALUES (%s, %s, %s, clock_timestamp()) RETURNING run_id
            """,
            (list(selection), wall_ms, client),
        ).fetchone()
        assert row is not None
        run_id = int(row[0])
        with conn.cursor() as cur:
            cur.executemany(
                """
                INSERT INTO ops.check_result (run_id, check_name, family, severity, outcome,
                    state, count, total, message, action, sample, error, muted, duration_ms)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                """,
                [
                    (
                        run_id,
                        r.check,
                        r.family,
                        r.severity.value,
                        r.outcome.value,
                        r.state.value if r.state else None,
                        r.count,
                        r.total,
                        r.message,
                        r.action or None,
                        Jsonb(list(r.sample)),
                        r.error,
                        r.muted,
                        r.duration_ms,
                    )
                    for r in results
                ],
            )
    return run_id
