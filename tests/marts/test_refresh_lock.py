"""One run at a time: refreshes share the operations lock with each other and migrations."""

from __future__ import annotations

import threading
import time

import pytest

from cfbops.db.connect import connect
from cfbops.db.locks import OPERATIONS_LOCK, advisory_lock
from cfbops.errors import ExitCode, LockBusy
from cfbops.marts.models import MartStatus, RefreshRun
from cfbops.marts.runner import refresh_marts
from cfbops.progress import Progress
from tests.conftest import DatabaseUnderTest, cli_env, run_cli
from tests.waits import DEADLINE_S, GATE_SQL, gate_closed, wait_at_the_gate, wait_for_event

PACED_SQL = f"""
CREATE MATERIALIZED VIEW marts.paced AS SELECT 1 AS n FROM ({GATE_SQL}) AS gate WITH NO DATA;
"""


def test_without_wait_a_held_lock_fails_at_once_with_exit_4_naming_the_holder(
    world: DatabaseUnderTest,
) -> None:
    with connect(world.settings, application_name="cfbops migrate") as holder:
        holder_pid = holder.info.backend_pid
        with advisory_lock(holder, OPERATIONS_LOCK, wait_s=None):
            started = time.monotonic()
            with pytest.raises(LockBusy) as caught:
                refresh_marts(world.settings, wait_s=None)
            assert time.monotonic() - started < 5
    assert caught.value.exit_code == ExitCode.LOCKED
    assert f"pid {holder_pid} (cfbops migrate)" in str(caught.value)


def test_a_refresh_waits_for_the_holder_and_says_whom_it_waits_for(
    world: DatabaseUnderTest,
) -> None:
    seen: list[Progress] = []
    waiting = threading.Event()
    runs: list[RefreshRun] = []
    failures: list[BaseException] = []

    def note(progress: Progress) -> None:
        seen.append(progress)
        if progress.message.startswith("waiting"):
            waiting.set()

    def refresh() -> None:
        try:
            runs.append(
                refresh_marts(world.settings, ["team_names"], wait_s=DEADLINE_S, progress=note)
            )
        except BaseException as exc:  # surfaced by the assertions below
            failures.append(exc)

    thread = threading.Thread(target=refresh)
    with connect(world.settings, application_name="cfbops migrate") as holder:
        with advisory_lock(holder, OPERATIONS_LOCK, wait_s=None):
            thread.start()
            wait_for_event(waiting, "the refresh to say it waits for the lock")
            assert not runs, "the refresh ran while another session held the lock"
            (released_at,) = holder.execute("SELECT clock_timestamp()").fetchone()
        thread.join(DEADLINE_S)
    assert not failures
    (run,) = runs
    assert run.ok
    assert run.views[0].started_at >= released_at
    waiting_lines = [p.message for p in seen if p.message.startswith("waiting")]
    assert "cfbops migrate" in waiting_lines[0]


def test_two_refreshes_at_once_run_one_after_the_other(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        conn.execute(PACED_SQL)
    runs: list[RefreshRun] = []
    second_waits = threading.Event()

    def note(progress: Progress) -> None:
        if progress.message.startswith("waiting"):
            second_waits.set()

    first = threading.Thread(
        target=lambda: runs.append(refresh_marts(world.settings, ["paced"], wait_s=DEADLINE_S))
    )
    second = threading.Thread(
        target=lambda: runs.append(
            refresh_marts(world.settings, ["paced"], wait_s=DEADLINE_S, progress=note)
        )
    )
    with gate_closed(world) as gate:
        first.start()
        # The second starts only once the first is inside its refresh, so the two truly collide.
        wait_at_the_gate(gate, 1)
        second.start()
        wait_for_event(second_waits, "the second refresh to wait for the first")
    first.join(DEADLINE_S)
    second.join(DEADLINE_S)
    assert [r.views[0].status for r in runs] == [MartStatus.REFRESHED] * 2
    with world.connect() as conn:
        spans = conn.execute(
            "SELECT started_at, finished_at FROM ops.refresh_run ORDER BY started_at"
        ).fetchall()
    assert len(spans) == 2
    assert spans[1][0] >= spans[0][1]


def test_cli_no_wait_exits_4_while_another_run_holds_the_lock(world: DatabaseUnderTest) -> None:
    with connect(world.settings, application_name="cfbops refresh") as holder:
        with advisory_lock(holder, OPERATIONS_LOCK, wait_s=None):
            result = run_cli(
                "--database-url", world.url, "--headless", "refresh", "--no-wait", env=cli_env()
            )
    assert result.returncode == 4
    assert "cfbops refresh" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_wait_deadline_exits_4(world: DatabaseUnderTest) -> None:
    with connect(world.settings) as holder:
        with advisory_lock(holder, OPERATIONS_LOCK, wait_s=None):
            result = run_cli(
                "--database-url", world.url, "--headless", "refresh", "--wait", "1", "--json"
            )
    assert result.returncode == 4
    assert "after waiting 1s" in result.stderr
