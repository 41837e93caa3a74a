"""Every call accounted for and every loop bounded: a game is one item whatever job names
it, a truncated last game finishes within its three calls, and what the API says about a
game (nothing, or values no column can hold) ends that game, never the run."""

from __future__ import annotations

import threading

from cfbops.backfill.queue import Kind
from cfbops.backfill.runner import BackfillRun, run_backfill
from cfbops.demo.cfbd_standin import StandIn
from tests.backfill.helpers import SEASON, expected_rows, games_to_load, rows_per_game
from tests.cfbd.conftest import FAST

DEADLINE_S = 120


def _run_in_time(settings, first: int = SEASON, **options) -> BackfillRun:
    """The run, or a failure naming the deadline: a run that loops would otherwise hang."""
    options.setdefault("policy", FAST)
    finished: list[BackfillRun] = []
    runner = threading.Thread(
        target=lambda: finished.append(
            run_backfill(settings, Kind.PLAY_STATS, first, SEASON, **options)
        ),
        daemon=True,
    )
    runner.start()
    runner.join(DEADLINE_S)
    assert finished, f"the run did not end within {DEADLINE_S}s"
    return finished[0]


def _metered(db) -> int:
    with db.connect() as conn:
        return conn.execute("SELECT count(*) FROM ops.cfbd_calls WHERE metered").fetchone()[0]


def test_overlapping_jobs_at_once_make_one_call_per_game(db, cfbd_settings, standin) -> None:
    with db.connect() as conn:
        games = games_to_load(conn)
    # Every answer held until four are asked at once: both runs are certainly at work
    # together (two workers each), whatever the machine's scheduling.
    standin.hold_until_in_flight = 4
    runs: list[BackfillRun] = []
    threads = [
        threading.Thread(
            target=lambda first=first: runs.append(
                run_backfill(
                    cfbd_settings, Kind.PLAY_STATS, first, SEASON, concurrency=2, policy=FAST
                )
            )
        )
        for first in (SEASON, SEASON - 1)  # `--seasons 2024` and `--seasons 2023-2024`
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE_S)
    assert len(runs) == 2 and standin.most_in_flight >= 4
    assert sum(run.done for run in runs) == len(games)
    assert standin.metered_calls() == len(games) == _metered(db)
    with db.connect() as conn:
        assert rows_per_game(conn) == {g: expected_rows(standin, g) for g in games}


def test_a_truncated_last_game_finishes_with_its_split_in_three_calls(
    db, cfbd_settings, standin: StandIn
) -> None:
    with db.connect() as conn:
        games = games_to_load(conn)
    concurrency = 4
    # Every game but one, and the two calls kept in hand.
    first = _run_in_time(cfbd_settings, concurrency=concurrency, max_calls=len(games) + 1)
    assert first.left == 1 and first.failed == 0
    with db.connect() as conn:
        (last,) = games_to_load(conn)
    standin.big_games.add(last)  # the last game left is over the 2,000-row cap
    before = _metered(db)
    result = _run_in_time(cfbd_settings, concurrency=concurrency)
    assert (result.done, result.failed, result.left) == (1, 0, 0)
    assert result.calls_used == 3 == _metered(db) - before
    with db.connect() as conn:
        assert rows_per_game(conn)[last] == 2600
    # The bound for a whole backfill: items + 2 x truncated + concurrency.
    assert _metered(db) <= len(games) + 2 * 1 + concurrency


def test_a_run_never_takes_a_game_it_cannot_finish(db, cfbd_settings, standin) -> None:
    # Two calls left this month: a game may need three (its split), so none is begun.
    standin.limit, standin.used = 500, 498
    result = _run_in_time(cfbd_settings, concurrency=2)
    assert result.done == 0 and result.exit_code == 5 and "budget is spent" in result.stopped
    assert standin.metered_calls() == 0


def test_a_game_the_api_does_not_know_is_done_with_no_rows(db, cfbd_settings, standin) -> None:
    with db.connect() as conn:
        unknown = games_to_load(conn)[0]
    del standin.games[unknown]  # the real API answers 200 [] for it, not an error
    result = _run_in_time(cfbd_settings, concurrency=2)
    assert result.failed == 0 and result.left == 0
    with db.connect() as conn:
        state, rows = conn.execute(
            "SELECT state, rows_written FROM ops.backfill_items WHERE item_key = %s", (unknown,)
        ).fetchone()
    assert (state, rows) == ("done", 0)
    again = _run_in_time(cfbd_settings)
    assert again.to_do == 0  # done: not asked again


def test_a_value_no_column_can_hold_fails_that_game_with_its_row_and_field(
    db, cfbd_settings, standin: StandIn
) -> None:
    with db.connect() as conn:
        bad = games_to_load(conn)[0]
    original = standin.play_stats

    def with_a_nul(params):
        rows = original(params)
        if params.get("gameId") == str(bad):
            rows[3]["athleteName"] = "Smith\x00"
        return rows

    standin.play_stats = with_a_nul  # type: ignore[method-assign]
    result = _run_in_time(cfbd_settings, concurrency=2)
    assert result.failed == 1 and result.left == 0
    with db.connect() as conn:
        reason = conn.execute(
            "SELECT reason FROM ops.backfill_items WHERE item_key = %s", (bad,)
        ).fetchone()[0]
        assert bad not in rows_per_game(conn)
    assert reason == "row 3: athleteName holds a NUL character, which PostgreSQL text cannot store"
