"""Running work visible and in hand: the progress line above the footer with k/N, cancel (the
run's backends cancelled, the run recorded cancelled), quitting while a refresh runs asks
first, `R` while another session holds the lock says who, the activity keeps this session's
actions and reads the last runs back after a restart."""

from __future__ import annotations

import re

import pytest

from cfbops.db.locks import OPERATIONS_LOCK, lock_key
from cfbops.tui.action_bar import ActionBar
from cfbops.tui.footer import ConsoleFooter
from cfbops.tui.screens.activity import ActivityScreen
from cfbops.tui.screens.confirm import ConfirmScreen
from tests.conftest import DatabaseUnderTest
from tests.tui.console_host import console, settle, wait_for

pytestmark = pytest.mark.anyio

K_OF_N = re.compile(r"^refresh [1-9]\d*/\d+ · ")
STALLED_SQL = (
    "CREATE MATERIALIZED VIEW marts.stalled AS SELECT 1 AS n FROM pg_sleep(600) WITH NO DATA"
)
STALLED_REFRESHES = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND state = 'active' AND query ILIKE 'REFRESH MATERIALIZED VIEW%%stalled%%'"
)
REFRESH_SESSIONS = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND application_name LIKE 'cfbops refresh%%'"
)


def _count(db: DatabaseUnderTest, query: str) -> int:
    with db.connect() as conn:
        return int(conn.execute(query).fetchone()[0])


def _last_run_status(db: DatabaseUnderTest) -> str:
    with db.connect() as conn:
        return conn.execute(
            "SELECT status FROM ops.refresh_run ORDER BY run_id DESC LIMIT 1"
        ).fetchone()[0]


async def _refresh_stalled(app, pilot, db: DatabaseUnderTest) -> None:
    """`f` with the stalled mart: a refresh that runs until it is stopped."""
    with db.connect() as conn:
        conn.execute(STALLED_SQL)
    await wait_for(pilot, lambda: app.polls >= 1, "the first poll")
    app._start_refresh("refresh_selected", ["marts.stalled"], stale_only=False)
    await wait_for(pilot, lambda: _count(db, STALLED_REFRESHES) == 1, "the stalled REFRESH")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_progress_line_is_above_the_footer_and_counts_a_refresh(
    db: DatabaseUnderTest, size: tuple[int, int]
) -> None:
    app = console(db.settings)
    seen: list[str] = []
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first poll")
        bar, footer = app.query_one(ActionBar), app.query_one(ConsoleFooter)
        await pilot.press("R")

        def counted() -> bool:
            seen.append(bar.text)
            return any(K_OF_N.match(line) for line in seen)

        await wait_for(pilot, counted, "k/N on the progress line")
        bar_region, footer_region = bar.region, footer.region
        await wait_for(pilot, lambda: app.finished_actions, "the refresh to end")
        await settle(pilot)
    assert bar_region.height == 1 and bar_region.width == size[0]
    assert not bar_region.overlaps(footer_region)
    assert bar_region.bottom <= footer_region.y
    line = next(line for line in seen if K_OF_N.match(line))
    assert " · " in line  # k/N first, then the rate or the step


async def test_cancel_stops_the_refresh_its_backends_and_records_it_cancelled(
    db: DatabaseUnderTest,
) -> None:
    app = console(db.settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await _refresh_stalled(app, pilot, db)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.finished_actions, "the refresh to stop")
        await settle(pilot)
    finished = app.finished_actions[-1]
    assert finished.summary == "refresh cancelled" and not finished.ok
    assert _last_run_status(db) == "cancelled"
    assert _count(db, STALLED_REFRESHES) == 0 and _count(db, REFRESH_SESSIONS) == 0


async def test_quitting_while_a_refresh_runs_asks_then_stops_it_and_quits(
    db: DatabaseUnderTest,
) -> None:
    app = console(db.settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await _refresh_stalled(app, pilot, db)
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        question = app.screen.heading
        await pilot.press("y")
        await pilot.pause()
        said = app.query_one(ActionBar).note
        await wait_for(pilot, lambda: app._exit, "the console to quit")
    assert question == "Quit while refresh runs?"
    assert said.startswith("stopping refresh") and "quits once it has" in said
    assert _last_run_status(db) == "cancelled"
    assert _count(db, STALLED_REFRESHES) == 0


async def test_refresh_while_another_session_holds_the_lock_says_who(
    db: DatabaseUnderTest,
) -> None:
    with db.connect(application_name="other console") as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (lock_key(OPERATIONS_LOCK),))
        pid = holder.info.backend_pid
        app = console(db.settings)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: app.polls >= 1, "the first poll")
            await pilot.press("R")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
            said = "\n".join(str(s.render()) for s in app.screen.query("Static"))
            await pilot.press("n")
            await settle(pilot)
    assert f"held by pid {pid} (other console" in said
    assert not app.finished_actions
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM ops.refresh_run").fetchone()[0] == 0


async def test_the_activity_keeps_this_sessions_steps_and_reads_history_after_a_restart(
    db: DatabaseUnderTest,
) -> None:
    first = console(db.settings)
    async with first.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await wait_for(pilot, lambda: first.finished_actions, "the checks")
        await settle(pilot)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(first.screen, ActivityScreen), "the activity")
        session = first.screen.session
    again = console(db.settings)  # a restart: nothing of the first session in memory
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(again.screen, ActivityScreen), "the activity")
        history = again.screen.history
        session_after = again.screen.session
    assert any(line.split(" ", 1)[1].startswith("check done: ") for line in session)
    assert session_after == ()
    assert history is not None and history[0].kind == "check"
    assert history[0].summary.startswith("run 1")
