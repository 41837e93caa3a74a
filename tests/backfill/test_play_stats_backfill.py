"""`backfill play-stats`: every game's rows once, the 2,000-row split, failures that skip an
item, and the budget's limits (month and --max-calls)."""

from __future__ import annotations

import dataclasses
import json

from cfbops.backfill.queue import Kind
from cfbops.backfill.runner import run_backfill
from cfbops.demo.cfbd_standin import Fault, StandIn
from cfbops.progress import Progress
from tests.backfill.helpers import SEASON, expected_rows, games_to_load, rows_per_game
from tests.cfbd.conftest import FAST, cfbd_env
from tests.conftest import run_cli


def _run(settings, **options):
    options.setdefault("policy", FAST)
    return run_backfill(settings, Kind.PLAY_STATS, SEASON, SEASON, **options)


def test_every_game_is_loaded_once_with_one_call_each(db, cfbd_settings, standin) -> None:
    with db.connect() as conn:
        games = games_to_load(conn)
    assert len(games) > 20
    seen: list[Progress] = []
    result = _run(cfbd_settings, concurrency=4, progress=seen.append)
    assert (result.done, result.failed, result.left) == (len(games), 0, 0)
    assert result.calls_used == len(games) == standin.metered_calls()
    with db.connect() as conn:
        assert rows_per_game(conn) == {g: expected_rows(standin, g) for g in games}
    assert seen[-1].done == seen[-1].total == len(games)
    assert "rows/s" in seen[-1].message


def test_the_calls_of_k_workers_are_in_flight_together(db, cfbd_settings, standin) -> None:
    # No lock, pool or shared connection may serialise the workers around the request: the
    # stand-in holds every answer until eight are asked at once (or 30 s have passed).
    standin.hold_until_in_flight = 8
    patient = dataclasses.replace(FAST, timeout_s=60.0)  # the hold, not a timeout, decides
    # 26 calls: 24 games, and the two a run keeps in hand for a game over 2,000 rows.
    result = _run(cfbd_settings, concurrency=8, max_calls=26, policy=patient)
    assert result.done == 24 and result.failed == 0
    assert standin.most_in_flight == 8


def test_a_second_run_finds_nothing_to_do_and_stores_nothing_twice(
    db, cfbd_settings, standin
) -> None:
    _run(cfbd_settings, concurrency=2)
    with db.connect() as conn:
        before = conn.execute("SELECT count(*) FROM stats.play_stats").fetchone()[0]
        conn.execute("UPDATE ops.backfill_items SET state = 'pending'")  # force a re-load
    again = _run(cfbd_settings, concurrency=2)
    assert again.done > 0
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM stats.play_stats").fetchone()[0] == before


def test_a_2000_row_answer_is_split_per_team(db, cfbd_settings, standin: StandIn) -> None:
    with db.connect() as conn:
        big = games_to_load(conn)[0]
    standin.big_games.add(big)
    result = _run(cfbd_settings)
    with db.connect() as conn:
        reasons = conn.execute("SELECT reason FROM ops.backfill_items WHERE state = 'failed'")
        assert result.failed == 0, reasons.fetchall()
        assert rows_per_game(conn)[big] == 2600
        calls_used = conn.execute(
            "SELECT calls_used FROM ops.backfill_items WHERE item_key = %s", (big,)
        ).fetchone()[0]
        attempts = conn.execute(
            "SELECT params->>'team', status FROM ops.cfbd_calls WHERE params->>'gameId' = %s"
            " ORDER BY id",
            (str(big),),
        ).fetchall()
    # The whole game's answer, then one per team. On a loaded machine a call may be retried
    # (a reset connection): the item still counts every attempt the ledger holds.
    answered = [team for team, status in attempts if status == 200]
    assert answered[0] is None, attempts
    assert len(answered) == 3 and None not in answered[1:] and len(set(answered[1:])) == 2
    assert calls_used == len(attempts)


def test_a_game_truncated_even_per_team_is_failed_not_stored(db, cfbd_settings, standin):
    with db.connect() as conn:
        big = games_to_load(conn)[0]
        home = conn.execute("SELECT home_team FROM core.games WHERE id = %s", (big,)).fetchone()
    standin.big_games.add(big)
    original = standin.play_stats

    def huge(params):  # every answer for this game at the cap
        rows = original(params)
        if params.get("gameId") == str(big) and rows:
            return (rows * 2000)[:2000]
        return rows

    standin.play_stats = huge  # type: ignore[method-assign]
    result = _run(cfbd_settings)
    assert result.failed == 1
    with db.connect() as conn:
        state, reason = conn.execute(
            "SELECT state, reason FROM ops.backfill_items WHERE item_key = %s", (big,)
        ).fetchone()
        assert big not in rows_per_game(conn)
    assert state == "failed" and "cap" in reason and home


def test_a_row_missing_a_required_field_fails_that_game_and_the_run_goes_on(
    db, cfbd_settings, standin
) -> None:
    with db.connect() as conn:
        games = games_to_load(conn)
    standin.inject(Fault("missing-field", game_id=games[0]))
    result = _run(cfbd_settings, concurrency=2)
    assert (result.failed, result.done) == (1, len(games) - 1)
    with db.connect() as conn:
        reason = conn.execute(
            "SELECT reason FROM ops.backfill_items WHERE item_key = %s", (games[0],)
        ).fetchone()[0]
    assert "missing required field gameId" in reason


def test_a_400_is_recorded_skipped_and_not_asked_again(db, cfbd_settings, standin) -> None:
    with db.connect() as conn:
        games = games_to_load(conn)
    standin.inject(Fault("400", game_id=games[0], times=5))
    first = _run(cfbd_settings, concurrency=2)
    assert first.failed == 1
    second = _run(cfbd_settings)
    assert second.to_do == 0  # the 400 is remembered, not retried
    asked = [p for p, params, _ in standin.served if params.get("gameId") == str(games[0])]
    assert len(asked) == 1


def test_max_calls_caps_the_run_keeping_two_in_hand_and_the_rest_waits(db, standin) -> None:
    result = run_cli(
        "--headless",
        "backfill",
        "play-stats",
        "--seasons",
        str(SEASON),
        "--max-calls",
        "7",
        "--json",
        env=cfbd_env(db, standin),
    )
    assert result.returncode == 0, result.stderr
    job = json.loads(result.stdout)["jobs"][0]
    # Two of the seven stay in hand until the end, for a truncated game's per-team split.
    assert job["calls_used"] == 5 == standin.metered_calls() and job["done"] == 5
    assert job["left"] == job["total"] - 5 and "--max-calls" in job["stopped"]
    assert "reserved" in result.stderr and "2 kept in hand" in result.stderr


def test_a_spent_month_is_exit_5_with_nothing_asked(db, standin) -> None:
    standin.limit = standin.used = 500
    result = run_cli(
        "--headless", "backfill", "play-stats", "--seasons", str(SEASON), env=cfbd_env(db, standin)
    )
    assert result.returncode == 5
    assert "resets at" in result.stderr and standin.metered_calls() == 0


def test_the_month_running_out_mid_run_stops_with_exit_5(db, standin) -> None:
    standin.limit, standin.used = 500, 490
    result = run_cli(
        "--headless",
        "backfill",
        "play-stats",
        "--seasons",
        str(SEASON),
        "--json",
        env=cfbd_env(db, standin),
    )
    assert result.returncode == 5, result.stderr
    document = json.loads(result.stdout)
    assert "jobs" in document, result.stdout + result.stderr
    job = document["jobs"][0]
    # Ten calls left: eight games, and the two kept in hand for a split nobody needed.
    assert job["done"] == 8 == standin.metered_calls() and "budget" in job["stopped"]


def test_status_reports_every_job(db, cfbd_settings, standin) -> None:
    _run(cfbd_settings, max_calls=7)
    result = run_cli("--headless", "backfill", "status", "--json", env=cfbd_env(db, standin))
    assert result.returncode == 0, result.stderr
    (job,) = json.loads(result.stdout)["jobs"]
    assert job["job"] == f"play-stats {SEASON}"
    assert (job["done"], job["calls_used"], job["state"]) == (5, 5, "pending")
    assert job["total"] > 5 and job["rows_written"] > 0


def test_bad_seasons_are_one_line_exit_2(db) -> None:
    result = run_cli("--headless", "backfill", "play-stats", "--seasons", "2023-2004")
    assert result.returncode == 2 and "backwards" in result.stderr
    assert result.stderr.count("\n") == 1


def test_status_shows_the_budget_and_backfill_sections(db, cfbd_settings, standin) -> None:
    _run(cfbd_settings, max_calls=5)
    result = run_cli("--headless", "status", "--json", env=cfbd_env(db, standin))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["budget"]["used"] == 3 and document["budget"]["source"] == "api"
    assert document["backfill"]["jobs"][0]["done"] == 3
    text = run_cli("--headless", "status", env=cfbd_env(db, standin)).stdout
    assert "3 of 75,000 calls used" in text and f"play-stats {SEASON}: 3/" in text


def test_a_spent_quota_says_so_and_when_it_resets_whatever_max_calls_was(db, standin) -> None:
    # The API says the month is spent (calls made elsewhere on the key since /info).
    standin.inject(Fault("quota429", times=100))
    result = run_cli(
        "--headless",
        "backfill",
        "play-stats",
        "--seasons",
        str(SEASON),
        "--max-calls",
        "6",
        "--json",
        env=cfbd_env(db, standin),
    )
    assert result.returncode == 5, result.stdout + result.stderr
    (job,) = json.loads(result.stdout)["jobs"]
    assert job["stopped"].startswith("the CFBD monthly quota is spent; it resets 20")
    assert "--max-calls" not in job["stopped"] and job["calls_used"] == 0
