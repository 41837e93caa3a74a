"""CFBD's CDN blocks bursts for minutes with 429s that are not the quota's: the run pauses
every worker with a countdown, stops with exit 5 and when to retry once its pauses reach
--max-wait, and Ctrl-C or SIGTERM ends the pause at once with every item back to pending."""

from __future__ import annotations

import json
import selectors
import signal
import subprocess
import sys
import time

import pytest

from cfbops.demo.cfbd_standin import ANY_PATH, Fault, StandIn
from tests.backfill.helpers import SEASON
from tests.cfbd.conftest import cfbd_env
from tests.conftest import REPO, run_cli
from tests.waits import wait_until

STOP_WITHIN_S = 2.0


def _start(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "cfbops", "--headless", "backfill", "play-stats"),
            *("--seasons", str(SEASON), "--concurrency", "4", "--json"),
        ],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_line(run: subprocess.Popen[str], needle: str, deadline_s: float = 60) -> str:
    """Read the run's stderr until a line holds `needle` (the run is then certainly there)."""
    assert run.stderr is not None
    watch = selectors.DefaultSelector()
    watch.register(run.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + deadline_s
    seen = []
    while time.monotonic() < deadline:
        if watch.select(timeout=0.2):
            line = run.stderr.readline()
            if not line:
                break
            seen.append(line)
            if needle in line:
                return line
    raise AssertionError(f"no {needle!r} on stderr; got {seen!r}")


def test_cdn_blocks_pause_with_a_countdown_then_exit_5_saying_when(db, standin: StandIn):
    # Blocks of two seconds, again and again: one pause, then the next would pass --max-wait.
    standin.inject(Fault("burst429", path=ANY_PATH, times=10_000, retry_after="2"))
    started = time.monotonic()
    result = run_cli(
        "--headless",
        "backfill",
        "play-stats",
        "--seasons",
        str(SEASON),
        "--max-wait",
        "3",
        "--json",
        env=cfbd_env(db, standin),
    )
    assert result.returncode == 5, result.stdout + result.stderr
    assert time.monotonic() - started < 60
    assert "resuming in" in result.stderr  # the countdown
    (job,) = json.loads(result.stdout)["jobs"]
    assert "not the quota" in job["stopped"] and "try again after" in job["stopped"]
    with db.connect() as conn:
        metered = conn.execute("SELECT count(*) FROM ops.cfbd_calls WHERE metered").fetchone()[0]
        states = conn.execute("SELECT DISTINCT state FROM ops.backfill_items").fetchall()
    assert metered == 0 and states == [("pending",)]


@pytest.mark.parametrize(
    ("how", "blocked"),
    [
        (signal.SIGINT, "/plays/stats"),  # the workers wait at the gate
        (signal.SIGTERM, "/plays/stats"),
        (signal.SIGTERM, ANY_PATH),  # /info, asked first, waits in the main thread
    ],
)
def test_a_signal_during_a_429_storm_stops_within_two_seconds(db, standin: StandIn, how, blocked):
    standin.inject(Fault("burst429", path=blocked, times=10_000, retry_after="600"))
    run = _start(cfbd_env(db, standin))
    try:
        _wait_for_line(run, "resuming in")
        signalled = time.monotonic()
        run.send_signal(how)
        run.wait(timeout=30)
        took = time.monotonic() - signalled
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 128 + how, run.stderr.read() if run.stderr else ""
    assert took < STOP_WITHIN_S, f"{took:.2f}s"
    with db.connect() as conn:
        states = conn.execute("SELECT DISTINCT state FROM ops.backfill_items").fetchall()
        open_calls = conn.execute(
            "SELECT count(*) FROM ops.cfbd_calls WHERE outcome IS NULL"
        ).fetchone()[0]
    assert states == [("pending",)] and open_calls == 0


def test_a_signal_while_requests_hang_stops_within_two_seconds(db, standin: StandIn) -> None:
    # Every answer held for a minute: the workers are inside their requests, not a wait.
    standin.hang_s = 60
    standin.inject(Fault("timeout", times=10_000))
    run = _start(cfbd_env(db, standin))
    try:
        _wait_for_line(run, "reserved")  # the estimate: the workers start now
        with db.connect() as conn:
            wait_until(
                lambda: (
                    conn.execute(
                        "SELECT count(*) FROM ops.cfbd_calls WHERE metered AND outcome IS NULL"
                    ).fetchone()[0]
                    >= 4
                ),
                "four requests in flight",
            )
        signalled = time.monotonic()
        run.send_signal(signal.SIGINT)
        run.wait(timeout=30)
        took = time.monotonic() - signalled
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 130 and took < STOP_WITHIN_S, f"{run.returncode}, {took:.2f}s"
    with db.connect() as conn:
        states = conn.execute("SELECT DISTINCT state FROM ops.backfill_items").fetchall()
        calls = conn.execute(
            "SELECT outcome, metered, count(*) FROM ops.cfbd_calls"
            " WHERE reservation_id IS NOT NULL GROUP BY 1, 2"
        ).fetchall()
    # The requests may have reached the API: closed as interrupted, still metered.
    assert states == [("pending",)] and calls == [("interrupted", True, 4)]
