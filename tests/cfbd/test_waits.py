"""Every wait has a ceiling: Retry-After read as seconds or an HTTP date, anything unusable
left to the client's own backoff, and the ceilings stated in `backfill --help`."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from cfbops.cfbd.errors import RateLimitBlocked, Stopped
from cfbops.cfbd.waits import PauseGate, RetryPolicy, retry_after_s
from tests.conftest import run_cli

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_retry_after_in_seconds_is_taken_as_given() -> None:
    assert retry_after_s("120", NOW) == 120.0
    assert retry_after_s(" 7 ", NOW) == 7.0


def test_retry_after_as_an_http_date_is_the_time_until_it() -> None:
    assert retry_after_s(format_datetime(NOW + timedelta(seconds=90), usegmt=True), NOW) == 90.0


@pytest.mark.parametrize(
    "value",
    [
        "-5",  # negative
        "0",
        format_datetime(NOW - timedelta(minutes=5), usegmt=True),  # already past
        "99999999",  # absurd: over a day
        "1e400",  # inf
        "nan",
        "soon",
        "",
        "Wed, 99 Foo 2026 25:61:00 GMT",
    ],
)
def test_an_unusable_retry_after_is_left_to_the_clients_backoff(value: str) -> None:
    assert retry_after_s(value, NOW) is None


def test_a_pause_without_a_usable_retry_after_doubles_and_is_capped() -> None:
    policy = RetryPolicy(retry_after_default_s=10, retry_after_cap_s=25, max_pause_s=1000)
    gate = PauseGate(policy, threading.Event())
    for _ in range(4):
        gate.block("-1", "/plays/stats")
    # 10, then 20, then 25 and 25 (capped): each block extends the pause from now.
    assert 24 < gate.paused_s <= 25.1


def test_pauses_past_the_runs_ceiling_stop_it_saying_when_to_retry() -> None:
    gate = PauseGate(RetryPolicy(max_pause_s=30), threading.Event())
    gate.block("20", "/plays/stats")
    with pytest.raises(RateLimitBlocked, match="try again after"):
        gate.block(format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True), "x")
    with pytest.raises(RateLimitBlocked):
        gate.wait()  # every worker stops at the gate once the ceiling is passed


def test_a_paused_gate_wakes_at_once_when_the_run_stops() -> None:
    stopping = threading.Event()
    gate = PauseGate(RetryPolicy(), stopping)
    gate.block("600", "/plays/stats")
    threading.Timer(0.05, stopping.set).start()
    with pytest.raises(Stopped):
        gate.wait()


def test_backfill_help_states_the_ceiling_of_every_wait() -> None:
    result = run_cli("--headless", "backfill", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for ceiling in (
        "60 s in all",  # one request
        "30 s to connect or between two reads",
        "over 64 MB is refused",
        "tried 3 times",
        "at most 15 min",  # one pause
        "--max-wait in all",
        "default 1800",
        "within 2 s",  # Ctrl-C, SIGTERM
    ):
        assert ceiling in text, ceiling
