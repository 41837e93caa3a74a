"""`nightly`: every step reported, a failing step does not stop the others."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace

import pytest
from market_standins import Fault, StandIn, kalshi_key, serve
from nflverse_files import (
    NflverseCache,
    files_for_the_demo,
    nflreadpy_cache,
    offline_nflverse,
    write_pbp,
)

from cfbops.errors import ExitCode
from cfbops.nightly import StepStatus, run_nightly
from tests.conftest import cli_env, run_cli, ui_modules_after


@pytest.fixture
def nflverse(tmp_path, monkeypatch) -> Iterator[NflverseCache]:
    cache = offline_nflverse(tmp_path, monkeypatch)
    with nflreadpy_cache(cache.directory):
        yield cache


def statuses(run) -> dict[str, str]:
    return {step.name: step.status.value for step in run.steps}


def test_a_night_runs_every_step_in_order(db, db_conn, nflverse):
    season = files_for_the_demo(db_conn, nflverse)

    run = run_nightly(db.settings, season=season)

    assert [s.name for s in run.steps] == [
        "sync nfl",
        "grade",
        "sync markets",
        "refresh --stale",
        "check",
    ]
    assert statuses(run)["sync nfl"] == "ok"
    assert statuses(run)["sync markets"] == "skipped"
    assert statuses(run)["refresh --stale"] == "ok"
    assert statuses(run)["check"] == "ok"
    assert run.exit_code is ExitCode.OK


def test_a_failed_sync_does_not_stop_the_refresh(db, db_conn, nflverse):
    # Nothing in the cache and the network down: the sync cannot load anything.
    season = db_conn.execute("SELECT max(season) FROM nfl.games").fetchone()[0]

    run = run_nightly(db.settings, season=season)

    by_name = {s.name: s for s in run.steps}
    assert by_name["sync nfl"].status is StepStatus.FAILED
    assert "cannot load schedules from nflverse" in by_name["sync nfl"].summary
    assert by_name["refresh --stale"].status is StepStatus.OK
    assert run.exit_code is ExitCode.FAILED


def test_a_market_source_down_fails_only_its_step(db, db_conn, nflverse):
    season = files_for_the_demo(db_conn, nflverse)
    down = StandIn()
    down.faults["/markets", "KXNFLFIRSTTD|"] = [Fault(500)] * 10
    with serve(down, "", kalshi_key) as kalshi:
        settings = replace(db.settings, markets=True, kalshi_url=kalshi.url)
        run = run_nightly(settings, season=season)

    assert statuses(run)["sync nfl"] == "ok"
    assert statuses(run)["sync markets"] == "failed"
    assert statuses(run)["refresh --stale"] == "ok"
    assert run.exit_code is ExitCode.FAILED


def test_the_command_reports_each_step_and_sums_up_in_its_exit_code(db, db_conn, nflverse):
    season = files_for_the_demo(db_conn, nflverse)
    passed = {k: v for k, v in os.environ.items() if k.startswith(("NFLREADPY_", "HTTP"))}
    passed.update({k: v for k, v in os.environ.items() if k.lower().endswith("_proxy")})

    done = run_cli(
        "--headless",
        "nightly",
        "--season",
        str(season),
        "--json",
        "--database-url",
        db.url,
        env=cli_env(**passed),
        timeout=300,
    )

    document = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr
    assert document["ok"] is True
    steps = {step["name"]: step["status"] for step in document["steps"]}
    assert steps["sync nfl"] == "ok"
    assert steps["refresh --stale"] == "ok"
    assert steps["check"] == "ok"
    assert document["exit_code"] == 0


def test_a_game_finished_overnight_is_synced_then_graded(db, db_conn, nflverse):
    game_id, pick_id, team, player_name, gsis_id = db_conn.execute(
        "SELECT g.id, p.id, p.team, p.player_name, r.gsis_id FROM nfl.games AS g"
        " JOIN nfl.picks AS p ON p.game_id = g.id"
        " JOIN nfl.rosters AS r ON r.season = g.season AND r.team = p.team"
        "  AND r.player_name = p.player_name"
        " WHERE g.status = 'in_progress' ORDER BY p.id LIMIT 1"
    ).fetchone()
    season = files_for_the_demo(db_conn, nflverse, final_scores={game_id: (21, 14)})
    touchdown = {
        "game_id": game_id,
        "play_id": 57.0,
        "posteam": team,
        "desc": "touchdown",
        "touchdown": 1.0,
        "td_player_id": gsis_id,
        "td_player_name": player_name,
        "td_team": team,
    }
    write_pbp(nflverse.directory, season, [touchdown])

    run = run_nightly(db.settings, season=season)

    assert statuses(run)["sync nfl"] == "ok"
    assert statuses(run)["grade"] == "ok", run.steps[1].summary
    is_correct, any_time_td = db_conn.execute(
        "SELECT is_correct, any_time_td FROM nfl.results WHERE pick_id = %s", (pick_id,)
    ).fetchone()
    assert (is_correct, any_time_td) == (True, True)
    assert run.exit_code is ExitCode.OK


def test_nightly_imports_no_ui_library(db):
    # Season 1900 stops the sync before any download; every other step still runs.
    code, loaded = ui_modules_after(
        "--database-url", db.url, "--headless", "nightly", "--season", "1900"
    )

    assert code == ExitCode.USAGE
    assert loaded == []
