"""A refresh whose server goes away — shut down or killed — exits 3 with one
line, however the connection was lost. Each test has a scratch server of its own to lose."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from cfbops.db.embedded import EmbeddedServer
from tests.conftest import REPO, TEST_SERVER_SETTINGS, cli_env

STALLED_SQL = """
CREATE SCHEMA marts;
CREATE MATERIALIZED VIEW marts.stalled AS SELECT 1 AS n FROM pg_sleep(600) WITH NO DATA;
"""
DEADLINE_S = 60.0


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[tuple[EmbeddedServer, str]]:
    server = EmbeddedServer(tmp_path / "home", extra_settings=TEST_SERVER_SETTINGS)
    url = server.ensure_running().url()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(STALLED_SQL)
    try:
        yield server, url
    finally:
        with contextlib.suppress(Exception):
            server.stop()


def start_refresh_and_wait(url: str) -> subprocess.Popen[str]:
    """Start `cfbops refresh` on marts.stalled and return once its REFRESH runs."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cfbops", "--database-url", url, "--headless", "refresh"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
        cwd=REPO,
    )
    deadline = time.monotonic() + DEADLINE_S
    with psycopg.connect(url, autocommit=True) as conn:
        while not conn.execute(
            "SELECT 1 FROM pg_stat_activity WHERE state = 'active' "
            "AND query ILIKE 'REFRESH MATERIALIZED VIEW%stalled%'"
        ).fetchone():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the refresh never started: {process.communicate()}")
            time.sleep(0.05)
    return process


def assert_exit_3_with_one_line(process: subprocess.Popen[str]) -> None:
    try:
        _, stderr = process.communicate(timeout=DEADLINE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("cfbops did not notice that its server went away")
    assert process.returncode == 3, stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("cfbops: error: lost the database connection"), stderr
    assert "internal error" not in stderr and "Traceback" not in stderr


def test_a_server_shut_down_mid_refresh_is_exit_3(scratch: tuple[EmbeddedServer, str]) -> None:
    server, url = scratch
    process = start_refresh_and_wait(url)
    server.stop()
    assert_exit_3_with_one_line(process)


def test_a_server_killed_mid_refresh_is_exit_3(scratch: tuple[EmbeddedServer, str]) -> None:
    server, url = scratch
    process = start_refresh_and_wait(url)
    postmaster = int((server.data_dir / "postmaster.pid").read_text().split()[0])
    os.kill(postmaster, signal.SIGKILL)
    assert_exit_3_with_one_line(process)
