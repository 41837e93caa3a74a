"""Outages stop the run by itself, quickly, without spending the budget: a closed port, a
stand-in that resets every connection mid-answer, one that answers 500 to everything.
These run the real command with its production waits (no shrunk policy)."""

from __future__ import annotations

import json
import socket
import time

import pytest

from cfbops.demo.cfbd_standin import ANY_PATH, Fault, StandIn
from tests.backfill.helpers import SEASON
from tests.cfbd.conftest import cfbd_env
from tests.conftest import run_cli

CONCURRENCY = 4
# "Within a few seconds" on an idle machine; generous for two busy cores.
STOPS_WITHIN_S = 30


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _backfill(env: dict[str, str], *extra: str):
    started = time.monotonic()
    result = run_cli(
        "--headless",
        "backfill",
        "play-stats",
        "--seasons",
        str(SEASON),
        "--concurrency",
        str(CONCURRENCY),
        "--json",
        *extra,
        env=env,
        timeout=120,
    )
    return result, time.monotonic() - started


def _ledger(db) -> tuple[int, int, int]:
    """Metered calls in the ledger, calls the reservations spent, items not pending."""
    with db.connect() as conn:
        metered = conn.execute("SELECT count(*) FROM ops.cfbd_calls WHERE metered").fetchone()
        spent = conn.execute("SELECT coalesce(sum(spent), 0) FROM ops.cfbd_reservations")
        touched = conn.execute("SELECT count(*) FROM ops.backfill_items WHERE state <> 'pending'")
        return metered[0], spent.fetchone()[0], touched.fetchone()[0]


def test_a_closed_port_stops_the_run_with_exit_3_and_books_nothing(db, standin) -> None:
    env = cfbd_env(db, standin, CFBOPS_CFBD_URL=f"http://127.0.0.1:{_closed_port()}")
    result, took = _backfill(env)
    assert result.returncode == 3, result.stdout + result.stderr
    assert took < STOPS_WITHIN_S
    (job,) = json.loads(result.stdout)["jobs"]
    assert "unreachable" in job["stopped"] and "/plays/stats" in job["stopped"]
    assert (job["done"], job["failed"]) == (0, 0)  # games the outage failed went back
    assert "refused" in job["stopped"].lower()
    assert _ledger(db) == (0, 0, 0)  # nothing metered, every item back to pending
    budget = run_cli("--headless", "budget", "--no-api", "--json", env=env)
    assert json.loads(budget.stdout)["used"] == 0


def test_max_calls_during_an_outage_is_not_success(db, standin) -> None:
    env = cfbd_env(db, standin, CFBOPS_CFBD_URL=f"http://127.0.0.1:{_closed_port()}")
    result, _ = _backfill(env, "--max-calls", "3")
    assert result.returncode == 3, result.stdout + result.stderr
    assert json.loads(result.stdout)["ok"] is False


def test_connections_reset_mid_answer_stop_the_run_within_k_metered_calls(
    db, standin: StandIn
) -> None:
    standin.inject(Fault("reset", path="/plays/stats", times=10_000))
    result, took = _backfill(cfbd_env(db, standin))
    assert result.returncode == 3, result.stdout + result.stderr
    assert took < STOPS_WITHIN_S
    metered, spent, _ = _ledger(db)
    # Each may have been metered (the answer had begun): never more than one per worker.
    assert 1 <= metered == spent <= CONCURRENCY
    with db.connect() as conn:
        states = conn.execute("SELECT DISTINCT state FROM ops.backfill_items").fetchall()
    assert states == [("pending",)]


@pytest.mark.parametrize("status", ["500", "503"])
def test_an_api_answering_5xx_to_everything_stops_within_a_minute(db, standin, status) -> None:
    standin.inject(Fault(status, path=ANY_PATH, times=10_000))
    result, took = _backfill(cfbd_env(db, standin))
    assert result.returncode == 3, result.stdout + result.stderr
    assert took < 60
    (job,) = json.loads(result.stdout)["jobs"]
    assert f"{status} from /plays/stats" in job["stopped"] and "failing" in job["stopped"]
    assert (job["done"], job["failed"]) == (0, 0)
    assert _ledger(db) == (0, 0, 0)  # every 5xx refunded, as the API does
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
