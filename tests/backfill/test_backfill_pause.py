"""Pausing a backfill: its runners stop claiming items, the job shows paused, and running it
again resumes where it stopped."""

from __future__ import annotations

import json
import threading

from cfbops.backfill.control import backfill_estimate, pause_backfill
from cfbops.backfill.queue import Kind
from cfbops.backfill.runner import BackfillRun, run_backfill
from tests.backfill.helpers import SEASON, expected_rows, games_to_load, rows_per_game
from tests.cfbd.conftest import FAST, cfbd_env
from tests.conftest import run_cli
from tests.waits import wait_until

JOB = f"play-stats {SEASON}"


def _items_done(db) -> int:
    with db.connect() as conn:
        return conn.execute(
            "SELECT count(*) FROM ops.backfill_items WHERE state = 'done'"
        ).fetchone()[0]


def test_a_paused_run_stops_claiming_and_a_second_run_resumes(db, cfbd_settings, standin) -> None:
    with db.connect() as conn:
        games = games_to_load(conn)
    # Three games answered, then every request held until the pause is stored: the run is
    # certainly mid-way when it is paused, however the machine schedules the threads.
    standin.gate_after = 3
    finished: list[BackfillRun] = []
    runner = threading.Thread(
        target=lambda: finished.append(
            run_backfill(cfbd_settings, Kind.PLAY_STATS, SEASON, SEASON, policy=FAST)
        )
    )
    runner.start()
    wait_until(lambda: _items_done(db) >= 3 or not runner.is_alive(), "three games done")
    assert pause_backfill(cfbd_settings) == (JOB,)
    standin.gate.set()  # the games in hand finish; no new one is claimed
    runner.join(timeout=60)
    (paused,) = finished
    assert paused.paused and paused.left > 0 and "paused" in paused.stopped
    done_when_paused = _items_done(db)
    assert done_when_paused == paused.done < len(games)

    status = run_cli("--headless", "backfill", "status", "--json", env=cfbd_env(db, standin))
    (job,) = json.loads(status.stdout)["jobs"]
    assert (job["job"], job["state"], job["done"]) == (JOB, "paused", done_when_paused)

    resumed = run_backfill(cfbd_settings, Kind.PLAY_STATS, SEASON, SEASON, policy=FAST)
    assert not resumed.paused and resumed.left == 0
    assert resumed.done == len(games) - done_when_paused  # nothing loaded twice
    with db.connect() as conn:
        assert rows_per_game(conn) == {g: expected_rows(standin, g) for g in games}


def test_pause_names_only_running_jobs(db, cfbd_settings, standin) -> None:
    run_backfill(cfbd_settings, Kind.PLAY_STATS, SEASON, SEASON, max_calls=3, policy=FAST)
    assert pause_backfill(cfbd_settings) == ()  # nothing is running: nothing to pause
    assert pause_backfill(cfbd_settings, [JOB]) == (JOB,)
    result = run_cli("--headless", "backfill", "pause", env=cfbd_env(db, standin))
    assert result.returncode == 0 and "nothing to pause" in result.stdout


def test_the_estimate_counts_what_a_run_would_load(db, cfbd_settings, standin) -> None:
    with db.connect() as conn:
        games = games_to_load(conn)
    # Seven calls: five games, two kept in hand for a game over 2,000 rows.
    estimate = backfill_estimate(cfbd_settings, Kind.PLAY_STATS, SEASON, SEASON, max_calls=7)
    assert (estimate.items, estimate.calls_this_run) == (len(games), 5)
    assert estimate.items_left_after == len(games) - 5
    run = run_backfill(cfbd_settings, Kind.PLAY_STATS, SEASON, SEASON, max_calls=7, policy=FAST)
    assert run.done == run.calls_used == 5
    after = backfill_estimate(cfbd_settings, Kind.PLAY_STATS, SEASON, SEASON)
    assert after.items == len(games) - 5
    assert after.calls_left_this_month == estimate.calls_left_this_month - 5
