"""A refresh ends cleanly however it is stopped, and leaves no backend behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import psycopg
import pytest

from tests.conftest import REPO, DatabaseUnderTest, cli_env, run_cli

# Refreshing this mart takes ten minutes: long enough that only cfbops ends it in a test.
STALLED_SQL = """
CREATE MATERIALIZED VIEW marts.stalled AS SELECT 1 AS n FROM pg_sleep(600) WITH NO DATA;
"""
DEADLINE_S = 60.0

REFRESH_BACKENDS_SQL = """
SELECT pid FROM pg_stat_activity
WHERE datname = current_database() AND state = 'active'
  AND query ILIKE 'REFRESH MATERIALIZED VIEW%%stalled%%'
"""


def wait_until(condition: Callable[[], object], what: str, deadline_s: float = DEADLINE_S):
    """Poll `condition` until it returns something truthy; fail naming `what` at the deadline."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"gave up after {deadline_s:.0f}s waiting for {what}")


def refresh_backends(conn: psycopg.Connection) -> list[int]:
    return [row[0] for row in conn.execute(REFRESH_BACKENDS_SQL).fetchall()]


@pytest.fixture
def stalled(world: DatabaseUnderTest) -> Iterator[DatabaseUnderTest]:
    with world.connect() as conn:
        conn.execute(STALLED_SQL)
    yield world


def start_refresh(db: DatabaseUnderTest, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cfbops", "--database-url", db.url, "--headless", "refresh", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
        cwd=REPO,
    )


def refresh_running(db: DatabaseUnderTest, process: subprocess.Popen[str]) -> list[int]:
    """Wait for the process's REFRESH to run on the server; its backend pids."""
    with db.connect() as conn:

        def started() -> list[int]:
            if process.poll() is not None:
                out, err = process.communicate()
                pytest.fail(f"refresh ended early ({process.returncode}): {err}{out}")
            return refresh_backends(conn)

        return wait_until(started, "the REFRESH of marts.stalled to start")


def finish(process: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        return process.communicate(timeout=DEADLINE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("the refresh process did not end")


def test_every_cfbops_session_asks_the_server_to_watch_for_a_vanished_client(
    world: DatabaseUnderTest,
) -> None:
    from cfbops.db.connect import connect

    for autocommit in (True, False):
        with connect(world.settings, autocommit=autocommit) as conn:
            row = conn.execute("SHOW client_connection_check_interval").fetchone()
            assert row == ("1s",)


def test_kill_9_of_refresh_leaves_no_refresh_running_on_the_server(
    stalled: DatabaseUnderTest,
) -> None:
    process = start_refresh(stalled, "--select", "stalled")
    backends = refresh_running(stalled, process)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    with stalled.connect() as conn:
        wait_until(
            lambda: (
                not conn.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = ANY(%s)", (backends,)
                ).fetchone()
            ),
            "the orphaned REFRESH backend to end",
        )


@pytest.mark.parametrize(
    ("signum", "exit_code", "said"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")],
)
def test_a_stopped_refresh_cancels_its_backends_and_is_recorded_interrupted(
    stalled: DatabaseUnderTest, signum: int, exit_code: int, said: str
) -> None:
    process = start_refresh(stalled, "--select", "stalled")
    refresh_running(stalled, process)
    process.send_signal(signum)
    _, stderr = finish(process)
    assert process.returncode == exit_code, stderr
    assert stderr.strip().splitlines()[-1] == f"cfbops: {said}"
    assert "Traceback" not in stderr
    with stalled.connect() as conn:
        assert refresh_backends(conn) == []
        run = conn.execute(
            "SELECT status, finished_at IS NOT NULL FROM ops.refresh_run ORDER BY run_id DESC"
        ).fetchone()
        held = conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        ).fetchone()
    assert run == ("interrupted", True)
    assert held == (0,)


def test_a_terminated_session_exits_3_with_one_line(stalled: DatabaseUnderTest) -> None:
    process = start_refresh(stalled, "--select", "stalled", "--json")
    refresh_running(stalled, process)
    with stalled.connect() as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name LIKE 'cfbops refresh%%'"
        )
    stdout, stderr = finish(process)
    assert process.returncode == 3, stderr
    assert stderr.strip().splitlines()[-1].startswith("cfbops: error: lost the database connection")
    assert json.loads(stdout)["ok"] is False


def status_marts(db: DatabaseUnderTest, *args: str) -> dict:
    result = run_cli("--database-url", db.url, *args, "--headless", "status", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["marts"]


def lock_released(conn: psycopg.Connection) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
    ).fetchone()
    return row == (0,)


def kill_mid_refresh(db: DatabaseUnderTest) -> None:
    process = start_refresh(db, "--select", "stalled")
    refresh_running(db, process)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    with db.connect() as conn:
        wait_until(lambda: lock_released(conn), "the killed run's session to end")


def test_a_killed_run_reads_as_abandoned_and_the_next_refresh_marks_it(
    stalled: DatabaseUnderTest,
) -> None:
    kill_mid_refresh(stalled)
    marts = status_marts(stalled)
    assert marts["run_status"] == "abandoned"
    assert marts["finished_at"] is not None
    assert [r["run_id"] for r in marts["abandoned"]] == [marts["run_id"]]
    assert marts["running"] is None
    query = "SELECT status, finished_at IS NOT NULL FROM ops.refresh_run ORDER BY run_id"
    with stalled.connect() as conn:
        assert conn.execute(query).fetchall() == [("running", False)]  # status never writes
    refreshed = run_cli(
        "--database-url", stalled.url, "--headless", "refresh", "--select", "team_names"
    )
    assert refreshed.returncode == 0, refreshed.stderr
    with stalled.connect() as conn:
        assert conn.execute(query).fetchall() == [("abandoned", True), ("succeeded", True)]


def test_read_only_status_shows_a_killed_run_as_abandoned_and_writes_nothing(
    stalled: DatabaseUnderTest,
) -> None:
    kill_mid_refresh(stalled)
    marts = status_marts(stalled, "--read-only")
    assert marts["run_status"] == "abandoned"
    with stalled.connect() as conn:
        row = conn.execute("SELECT status FROM ops.refresh_run").fetchone()
    assert row == ("running",)


def test_status_shows_a_run_in_progress_beside_the_last_one_that_ended(
    stalled: DatabaseUnderTest,
) -> None:
    assert (
        run_cli(
            "--database-url", stalled.url, "--headless", "refresh", "--select", "team_names"
        ).returncode
        == 0
    )
    process = start_refresh(stalled, "--select", "stalled")
    try:
        refresh_running(stalled, process)
        marts = status_marts(stalled)
        text = run_cli("--database-url", stalled.url, "--headless", "status").stdout
    finally:
        process.send_signal(signal.SIGINT)
        finish(process)
    assert marts["run_status"] == "succeeded"
    assert [v["name"] for v in marts["views"]] == ["marts.team_names"]
    assert marts["running"]["run_id"] == marts["run_id"] + 1
    assert marts["running"]["client"] == "cfbops refresh"
    assert f"refreshing now: run {marts['run_id'] + 1}" in text


def test_status_shows_the_last_run_even_when_it_was_interrupted(
    stalled: DatabaseUnderTest,
) -> None:
    assert (
        run_cli(
            "--database-url", stalled.url, "--headless", "refresh", "--select", "team_names"
        ).returncode
        == 0
    )
    process = start_refresh(stalled, "--select", "stalled")
    refresh_running(stalled, process)
    process.send_signal(signal.SIGTERM)
    finish(process)
    marts = status_marts(stalled)
    assert marts["run_status"] == "interrupted"
    assert marts["abandoned"] == [] and marts["running"] is None
    text = run_cli("--database-url", stalled.url, "--headless", "status").stdout
    assert f"last run {marts['run_id']}" in text and "interrupted" in text
