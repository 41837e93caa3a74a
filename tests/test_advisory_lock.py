"""One run at a time: the advisory lock waits with a deadline and names its holder."""

from __future__ import annotations

import threading
import time

import pytest

from cfbops.db.connect import connect
from cfbops.db.locks import advisory_lock
from cfbops.errors import ExitCode, LockBusy
from tests.conftest import DatabaseUnderTest


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
    with connect(db.settings) as first, connect(db.settings) as second:
        holder_pid = first.info.backend_pid
        released = threading.Event()

        def hold_briefly() -> None:
            with advisory_lock(first, wait_s=None):
                time.sleep(1.5)
            released.set()

        worker = threading.Thread(target=hold_briefly)
        worker.start()
        time.sleep(0.2)
        with advisory_lock(second, wait_s=30, on_wait=lambda h, _: seen.append(h.describe())):
            assert released.is_set()
        worker.join()
    assert seen and seen[0].startswith(f"pid {holder_pid}")


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
