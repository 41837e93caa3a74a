"""Waiting on a condition, never on the clock: tests that race another thread or process.

CI runs on two busy cores, so a fixed head start (sleep, then hope the other side got there)
flakes. These helpers poll the condition itself, with a deadline generous enough for a
loaded machine; the deadline only bounds a test that would fail anyway.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

import psycopg

from tests.conftest import DatabaseUnderTest

DEADLINE_S = 60.0
# SQL under test calls pg_advisory_xact_lock_shared(GATE_KEY): it passes at once, unless a
# test holds the gate (gate_closed), and then it waits inside its statement until let through.
GATE_KEY = 1414
GATE_SQL = f"SELECT pg_advisory_xact_lock_shared({GATE_KEY})"

AT_THE_GATE_SQL = f"""
SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a USING (pid)
WHERE l.locktype = 'advisory' AND NOT l.granted AND l.objid = {GATE_KEY}
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


def wait_until(condition: Callable[[], bool], what: str, *, deadline_s: float = DEADLINE_S) -> None:
    """Poll `condition` until it is true; fail naming `what` once the deadline passes."""
    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() >= deadline:
            raise AssertionError(f"gave up after {deadline_s:.0f}s waiting for {what}")
        time.sleep(0.02)


def wait_for_event(event: threading.Event, what: str, *, deadline_s: float = DEADLINE_S) -> None:
    if not event.wait(deadline_s):
        raise AssertionError(f"gave up after {deadline_s:.0f}s waiting for {what}")


def wait_for_query(
    conn: psycopg.Connection, pattern: str, *, count: int = 1, deadline_s: float = DEADLINE_S
) -> None:
    """Wait until `count` other sessions are running a statement matching the LIKE `pattern`."""

    def running() -> bool:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE state = 'active' AND pid <> pg_backend_pid() AND query LIKE %s",
            (pattern,),
        ).fetchone()
        return row is not None and row[0] >= count

    wait_until(running, f"{count} session(s) running {pattern!r}", deadline_s=deadline_s)


@contextlib.contextmanager
def gate_closed(db: DatabaseUnderTest) -> Iterator[psycopg.Connection]:
    """Hold the gate: statements passing it wait inside until the block ends."""
    with db.connect() as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (GATE_KEY,))
        try:
            yield conn
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (GATE_KEY,))


def at_the_gate(conn: psycopg.Connection) -> set[int]:
    """The backends waiting at the gate now."""
    return {pid for (pid,) in conn.execute(AT_THE_GATE_SQL)}


def wait_at_the_gate(conn: psycopg.Connection, count: int) -> set[int]:
    """Wait until `count` backends wait at the gate; returns their pids."""
    wait_until(lambda: len(at_the_gate(conn)) >= count, f"{count} session(s) at the gate")
    return at_the_gate(conn)
