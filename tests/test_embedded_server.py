"""The embedded server survives interruptions and odd homes."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cfbops.db.embedded import INITDB_WORKSPACE_PREFIX, LEGACY_PASSWORD_FILE, EmbeddedServer
from tests.conftest import REPO, cli_env, run_cli

DEADLINE_S = 90.0


@pytest.fixture
def home(scratch_dir: Path) -> Iterator[Path]:
    """A home for the embedded default; its server is stopped after the test."""
    path = scratch_dir / "cfbops-home"
    yield path
    EmbeddedServer(path).stop()


def status(home: Path) -> subprocess.CompletedProcess:
    return run_cli("--headless", "status", "--json", env=cli_env(CFBOPS_HOME=str(home)))


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def initdb_under_way(home: Path) -> bool:
    return any(home.glob(f"{INITDB_WORKSPACE_PREFIX}*/data/PG_VERSION"))


def start_first_run(home: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cfbops", "--headless", "status"],
        env=cli_env(CFBOPS_HOME=str(home)),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def password_files(home: Path) -> list[Path]:
    """Regular files that could hold an initdb password (a FIFO holds nothing on disk)."""
    candidates = [home / LEGACY_PASSWORD_FILE, *home.glob(f"{INITDB_WORKSPACE_PREFIX}*/password")]
    return [p for p in candidates if p.exists() and not stat.S_ISFIFO(p.stat().st_mode)]


def test_sigterm_during_first_initdb_leaves_nothing_and_the_next_run_works(home: Path) -> None:
    first = start_first_run(home)
    wait_for(lambda: initdb_under_way(home), "initdb to start")
    first.send_signal(signal.SIGTERM)
    first.communicate(timeout=DEADLINE_S)

    assert first.returncode == 128 + signal.SIGTERM
    assert list(home.glob(f"{INITDB_WORKSPACE_PREFIX}*")) == []
    assert password_files(home) == []
    result = status(home)
    assert result.returncode == 0, result.stderr


def test_sigkill_of_the_first_run_is_repaired_by_the_next(home: Path) -> None:
    first = start_first_run(home)
    wait_for(lambda: initdb_under_way(home), "initdb to start")
    os.killpg(first.pid, signal.SIGKILL)  # like a cancelled CI job: the whole group
    first.communicate(timeout=DEADLINE_S)

    assert password_files(home) == []
    result = status(home)
    assert result.returncode == 0, result.stderr
    assert list(home.glob(f"{INITDB_WORKSPACE_PREFIX}*")) == []


def test_a_home_bricked_by_an_old_interrupted_initdb_is_repaired(home: Path) -> None:
    # What versions before atomic initialisation left: half a data directory, no state,
    # and the password in a file.
    (home / "pgdata" / "global").mkdir(parents=True)
    (home / "pgdata" / "PG_VERSION").write_text("18\n")
    (home / LEGACY_PASSWORD_FILE).write_text("left-behind-password\n")

    result = status(home)

    assert result.returncode == 0, result.stderr
    assert not (home / LEGACY_PASSWORD_FILE).exists()
    assert "KeyError" not in result.stderr


def test_an_unfinished_data_directory_of_unknown_origin_is_kept_aside(home: Path) -> None:
    (home / "pgdata").mkdir(parents=True)
    (home / "pgdata" / "PG_VERSION").write_text("18\n")
    (home / "pgdata" / "precious").write_text("not cfbops's to delete\n")

    result = status(home)

    assert result.returncode == 0, result.stderr
    [kept] = home.glob("pgdata.incomplete-*")
    assert (kept / "precious").read_text() == "not cfbops's to delete\n"


def test_a_stale_pid_file_naming_another_process_does_not_block_the_server(home: Path) -> None:
    assert status(home).returncode == 0
    EmbeddedServer(home).stop()
    other = subprocess.Popen(["sleep", "600"])
    try:
        lines = [str(other.pid), str(home / "pgdata"), "1", "5", "", "127.0.0.1", "1 2", "ready"]
        (home / "pgdata" / "postmaster.pid").write_text("\n".join(lines) + "\n")

        result = status(home)

        assert result.returncode == 0, result.stderr
        assert other.poll() is None, "cfbops must not signal a process it does not own"
    finally:
        other.kill()
        other.wait()


def test_a_home_with_shell_characters_works_and_runs_nothing(scratch_dir: Path) -> None:
    odd = scratch_dir / 'h x`touch pwned1`$(touch pwned2)"q'
    try:
        result = status(odd)
        assert result.returncode == 0, result.stderr
        assert list(scratch_dir.rglob("pwned*")) == []
        assert list(REPO.glob("pwned*")) == []
    finally:
        EmbeddedServer(odd).stop()


def test_a_too_long_home_is_refused_naming_the_limit(tmp_path: Path) -> None:
    long_home = tmp_path.joinpath(*(["d" * 200] * 5))

    result = status(long_home)

    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "bytes long" in result.stderr and "shorter --home" in result.stderr
    assert not long_home.exists()


def test_server_stop_of_a_home_without_a_server_is_harmless(tmp_path: Path) -> None:
    assert EmbeddedServer(tmp_path / "never-made").stop() is False


def test_a_restart_keeps_the_port_its_clients_left_in_time_wait(scratch_dir: Path) -> None:
    import psycopg

    from tests.conftest import TEST_SERVER_SETTINGS

    server = EmbeddedServer(scratch_dir / "home", extra_settings=TEST_SERVER_SETTINGS)
    try:
        address = server.ensure_running()
        # A client connected when the server stops: the server closes first, and its end of
        # the connection waits in TIME-WAIT on the server's port.
        with psycopg.connect(address.url(), autocommit=True) as conn:
            conn.execute("SELECT 1")
            server.stop()
        assert server.ensure_running().port == address.port
    finally:
        server.stop()
