"""Backfill control from the console against the CFBD stand-in on 127.0.0.1: start a run
with the form's seasons, pause it with `p` (the runner stops claiming games and the job
shows paused), start it again and it finishes where it stopped."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from cfbops.backfill.overview import backfill_overview
from cfbops.backfill.queue import Kind
from cfbops.tui.screens.backfill import BackfillScreen
from tests.backfill.helpers import SEASON, games_to_load
from tests.conftest import DatabaseUnderTest
from tests.tui.console_host import console, settle, wait_for

pytestmark = pytest.mark.anyio


def _job(db: DatabaseUnderTest):
    with db.connect() as conn:
        (job,) = backfill_overview(conn).jobs
    return job


def _done(db: DatabaseUnderTest) -> int:
    with db.connect() as conn:
        return conn.execute(
            "SELECT count(*) FROM ops.backfill_items WHERE state = 'done'"
        ).fetchone()[0]


def _paused_at(db: DatabaseUnderTest):
    with db.connect() as conn:
        return conn.execute("SELECT max(paused_at) FROM ops.backfill_jobs").fetchone()[0]


async def _open_the_form(app, pilot, seasons: str) -> None:
    """Backfill control, its seasons set and the estimate for them shown."""
    await pilot.press("b")
    await wait_for(pilot, lambda: isinstance(app.screen, BackfillScreen), "backfill control")
    await pilot.pause()
    field = app.screen.query_one("#seasons", Input)
    field.value = seasons
    field.focus()
    await pilot.press("enter")  # re-estimates for these seasons
    await wait_for(
        pilot,
        lambda: f"play-stats {seasons}:" in str(app.screen.query_one("#estimate").render()),
        "the estimate",
    )


async def test_start_pause_and_resume_a_backfill(db: DatabaseUnderTest, cfbd_settings, standin):
    with db.connect() as conn:
        games = games_to_load(conn)
    # The stand-in answers three games, then holds every request until the pause is stored:
    # the run is certainly mid-way when `p` lands, however the machine schedules it.
    standin.gate_after = 3
    app = console(cfbd_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_the_form(app, pilot, str(SEASON))
        form = app.screen.form()
        estimate = str(app.screen.query_one("#estimate").render())
        await pilot.click("#start")
        await wait_for(pilot, lambda: _done(db) >= 3, "three games loaded")
        await pilot.press("p")
        await wait_for(pilot, lambda: _paused_at(db) is not None, "the pause stored")
        standin.gate.set()  # the games in hand finish; no new one is claimed
        await wait_for(
            pilot,
            lambda: any(f.action == "backfill" for f in app.finished_actions),
            "the paused run to end",
        )
        await settle(pilot)
        paused = _job(db)
        stopped = next(f.summary for f in app.finished_actions if f.action == "backfill")

        await _open_the_form(app, pilot, str(SEASON))
        await pilot.click("#start")
        await wait_for(
            pilot,
            lambda: sum(f.action == "backfill" for f in app.finished_actions) == 2,
            "the resumed run to end",
        )
        await settle(pilot)
    assert (form.kind, form.first, form.last) == (Kind.PLAY_STATS, SEASON, SEASON)
    assert f"{len(games)} items" in estimate
    assert paused.state == "paused" and 3 <= paused.done < len(games)
    assert "paused" in stopped
    resumed = _job(db)
    assert (resumed.state, resumed.done, resumed.total) == ("done", len(games), len(games))
    assert standin.metered_calls() == len(games)  # nothing asked twice


async def test_read_only_refuses_backfill_control_and_starts_nothing(
    db: DatabaseUnderTest, cfbd_settings, standin
) -> None:
    app = console(cfbd_settings, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("b")  # dimmed: does nothing
        # enter on a job, or the palette, reaches the action: refused there
        app.action_backfill()
        await wait_for(
            pilot,
            lambda: any("read-only" in n.message for n in app._notifications),
            "the read-only refusal",
        )
        await settle(pilot)
        opened = isinstance(app.screen, BackfillScreen)
        refusals = [n.message for n in app._notifications if "read-only" in n.message]
    assert not opened
    assert len(refusals) == 1 and "nothing was run" in refusals[0]
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM ops.backfill_jobs").fetchone()[0] == 0
    assert standin.metered_calls() == 0
