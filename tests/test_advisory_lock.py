"""One run at a time: the advisory lock waits with a deadline and names its holder."""

from __future__ import annotations

import threading
import time

import pytest

from cfbops.db.connect import connect
from cfbops.db.locks import LockHolder, advisory_lock
from cfbops.errors import ExitCode, LockBusy
from tests.conftest import DatabaseUnderTest
from tests.waits import DEADLINE_S, wait_for_event


def test_second_holder_without_wait_fails_with_exit_4_naming_the_holder(
    db: DatabaseUnderTest,
) -> None:
    with (
        connect(db.settings, application_name="cfbops migrate") as first,
        connect(db.settings) as second,
    ):
        holder_pid = first.info.backend_pid
        with advisory_lock(first, wait_s=None):
            with pytest.raises(LockBusy) as caught, advisory_lock(second, wait_s=None):
                pass
    assert caught.value.exit_code == ExitCode.LOCKED
    assert f"pid {holder_pid}" in str(caught.value)
    assert "cfbops migrate" in str(caught.value)


def test_waiter_gets_the_lock_once_the_holder_lets_go(db: DatabaseUnderTest) -> None:
    seen: list[str] = []
    waiting = threading.Event()
    acquired_at: list[float] = []
    failures: list[BaseException] = []
    with connect(db.settings) as first, connect(db.settings) as second:
        holder_pid = first.info.backend_pid

        def report(holder: LockHolder | None, _seconds_left: float) -> None:
            seen.append(holder.describe() if holder else "nobody")
            waiting.set()

        def wait_for_the_lock() -> None:
            try:
                with advisory_lock(second, wait_s=DEADLINE_S, on_wait=report):
                    acquired_at.append(time.monotonic())
            except BaseException as exc:  # surfaced by the assertions below
                failures.append(exc)

        waiter = threading.Thread(target=wait_for_the_lock)
        with advisory_lock(first, wait_s=None):
            waiter.start()
            wait_for_event(waiting, "the waiter to report whom it waits for")
            assert not acquired_at, "the waiter got a lock that was still held"
            let_go_at = time.monotonic()
        waiter.join(DEADLINE_S)
    assert not failures
    assert acquired_at and acquired_at[0] >= let_go_at
    assert seen[0].startswith(f"pid {holder_pid}")


def test_wait_deadline_passes_with_exit_4(db: DatabaseUnderTest) -> None:
    with connect(db.settings) as first, connect(db.settings) as second:
        with advisory_lock(first, wait_s=None):
            started = time.monotonic()
            with pytest.raises(LockBusy, match="after waiting 1s"), advisory_lock(second, wait_s=1):
                pass
            assert time.monotonic() - started >= 1.0


def test_lock_is_released_when_the_holder_disconnects(db: DatabaseUnderTest) -> None:
    first = connect(db.settings)
    with connect(db.settings) as second:
        with advisory_lock(first, wait_s=None):
            first.close()  # a crashed run: the session ends, the lock goes with it
            with advisory_lock(second, wait_s=5):
                pass
