"""Waiting on a condition, never on the clock: tests that race another thread or process.

CI runs on two busy cores, so a fixed head start (sleep, then hope the other side got there)
flakes. These helpers poll the condition itself, with a deadline generous enough for a
loaded machine; the deadline only bounds a test that would fail anyway.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg

from cfbops.db.locks import lock_holder

DEADLINE_S = 60.0


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


def wait_for_lock_holder(
    conn: psycopg.Connection, name: str, pid: int, *, deadline_s: float = DEADLINE_S
) -> None:
    """Wait until pg_locks shows backend `pid` holding the advisory lock `name`."""

    def held() -> bool:
        holder = lock_holder(conn, name)
        return holder is not None and holder.pid == pid

    wait_until(held, f"pid {pid} to hold the {name} lock", deadline_s=deadline_s)


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
