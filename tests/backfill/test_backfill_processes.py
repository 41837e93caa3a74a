"""Backfills as separate processes: two sharing one month's budget, and one killed with
SIGKILL mid-run then resumed. Waits are on the ledger, never on the clock."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from cfbops.backfill.queue import Kind
from cfbops.backfill.runner import run_backfill
from cfbops.demo.cfbd_standin import StandIn
from tests.backfill.helpers import SEASON, expected_rows, games_to_load, rows_per_game
from tests.cfbd.conftest import FAST, cfbd_env
from tests.conftest import REPO
from tests.waits import wait_until

DEADLINE_S = 120


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cfbops", "--headless", "backfill", "play-stats", *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_backfills_share_one_budget_and_never_exceed_it(db, standin: StandIn) -> None:
    with db.connect() as conn:
        # A second season to load: 2025's play stats gone, so each run has its own job.
        conn.execute("DELETE FROM stats.play_stats WHERE season = 2025")
        conn.execute(
            "UPDATE core.games SET completed = false WHERE season = 2025 AND id NOT IN"
            " (SELECT id FROM core.games WHERE season = 2025 AND completed"
            "  AND home_team <> away_team ORDER BY id LIMIT 40)"
        )
    standin.limit, standin.used = 200, 170  # 30 calls left for 80 games
    standin.latency_s = 0.02
    env = cfbd_env(db, standin)
    runs = [
        _start(env, "--seasons", "2024", "--concurrency", "3", "--max-calls", "20", "--json"),
        _start(env, "--seasons", "2025", "--concurrency", "3", "--max-calls", "20", "--json"),
    ]
    outputs = [run.communicate(timeout=DEADLINE_S) for run in runs]
    # 0: stopped at its own --max-calls; 5: the month ran out first (or before it began).
    # Usually one run meets the month's end; under load both may reach their own 20, the
    # second with calls the first reserved and gave back unspent.
    assert {run.returncode for run in runs} <= {0, 5}, [err for _, err in outputs]
    documents = [json.loads(out) for out, _ in outputs]
    for run, document in zip(runs, documents, strict=True):
        if run.returncode == 0:
            (job,) = document["jobs"]
            assert job["stopped"] == "--max-calls 20 reached", job
            assert job["calls_reserved"] <= 20
    jobs = [d["jobs"][0] for d in documents if "jobs" in d]
    assert all(job["calls_used"] <= 20 for job in jobs)
    spent = sum(job["calls_used"] for job in jobs)
    # Never more than the month. Some calls may stay unspent: the meter counts those in
    # flight when the API's last figure was taken on top of it (an overcount until the next
    # figure, never an undercount), and a refused run does not ask again. Under load 23 of
    # 30 were spent (3 runs in 12 below 24); allowed: twice the calls in flight (3 + 3).
    assert 30 - 2 * 6 <= spent <= 30
    assert standin.used == 170 + spent <= standin.limit  # the ledger agrees with the API
    assert not [s for p, _, s in standin.served if s == 429]  # the API never had to refuse
    with db.connect() as conn:
        booked = conn.execute("SELECT sum(spent) FROM ops.cfbd_reservations").fetchone()[0]
    assert booked == spent


def test_sigkill_mid_run_then_resume_loses_nothing(db, cfbd_settings, standin) -> None:
    concurrency = 4
    with db.connect() as conn:
        games = games_to_load(conn)
    standin.latency_s = 0.05
    run = _start(cfbd_env(db, standin), "--seasons", str(SEASON), "--concurrency", "4")

    def some_games_done() -> bool:
        with db.connect() as conn:
            done = conn.execute(
                "SELECT count(*) FROM ops.backfill_items WHERE state = 'done'"
            ).fetchone()[0]
        return done >= 10 or run.poll() is not None

    wait_until(some_games_done, "ten games done", deadline_s=DEADLINE_S)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=DEADLINE_S)
    assert run.returncode == -signal.SIGKILL, "the run ended before it could be killed"

    standin.latency_s = 0
    resumed = run_backfill(
        cfbd_settings, Kind.PLAY_STATS, SEASON, SEASON, concurrency=concurrency, policy=FAST
    )
    assert resumed.left == 0 and resumed.failed == 0
    with db.connect() as conn:
        assert rows_per_game(conn) == {g: expected_rows(standin, g) for g in games}
        states = conn.execute("SELECT DISTINCT state FROM ops.backfill_items").fetchall()
        lost = conn.execute("SELECT count(*) FROM ops.cfbd_calls WHERE outcome IS NULL").fetchone()[
            0
        ]
    assert states == [("done",)]
    wasted = standin.metered_calls() - len(games)
    assert 0 <= wasted <= concurrency
    assert lost <= concurrency
