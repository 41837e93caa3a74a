"""A reader that goes away (`refresh --json | head -5`) ends cfbops quietly."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO, DatabaseUnderTest, cli_env


def run_with_closed_pipe(db: DatabaseUnderTest, *args: str, stderr_too: bool = False):
    """Run cfbops with stdout (and optionally stderr) a pipe whose reader has already gone."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cfbops", "--database-url", db.url, "--headless", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if stderr_too else subprocess.PIPE,
        env=cli_env(),
        cwd=REPO,
    )
    assert process.stdout is not None
    # Closed before cfbops has written anything: every write it makes meets EPIPE.
    process.stdout.close()
    stderr = b"" if stderr_too else process.communicate(timeout=120)[1]
    process.wait(timeout=120)
    return process.returncode, stderr.decode()


def test_refresh_json_into_a_closed_pipe_ends_quietly_with_the_runs_exit_code(
    world: DatabaseUnderTest,
) -> None:
    code, stderr = run_with_closed_pipe(world, "refresh", "--json")
    assert code == 0, stderr
    assert "BrokenPipe" not in stderr and "internal error" not in stderr
    assert "Exception ignored" not in stderr
    with world.connect() as conn:
        assert conn.execute("SELECT status FROM ops.refresh_run").fetchone() == ("succeeded",)


def test_progress_into_a_closed_pipe_never_stops_the_run(world: DatabaseUnderTest) -> None:
    code, _ = run_with_closed_pipe(world, "refresh", stderr_too=True)
    assert code == 0
    with world.connect() as conn:
        row = conn.execute("SELECT status, count(*) FROM ops.mart_refresh GROUP BY 1").fetchall()
    assert row == [("refreshed", 9)]
