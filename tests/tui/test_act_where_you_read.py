"""Acting where you read: mute a finding from its screen (the mute row written, the finding
read muted), refresh a mart and its descendants from the mart's screen, an applied
migration's record from the migrations pane."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from textual.widgets import Input

from cfbops.quality.session import check_database
from cfbops.tui.screens.finding import FindingScreen
from cfbops.tui.screens.mart import MartScreen
from cfbops.tui.screens.mute import MuteForm
from cfbops.tui.screens.record import MigrationRecordScreen
from tests.conftest import DatabaseUnderTest
from tests.tui.console_host import console, settle, wait_for

pytestmark = pytest.mark.anyio

CHECK = "completed_games_null_scores"  # the demo data holds this known defect


async def test_m_on_a_finding_mutes_it_with_until_and_reason(db: DatabaseUnderTest) -> None:
    check_database(db.settings, [CHECK])
    app = console(db.settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first poll")
        app.load_finding(CHECK)
        await wait_for(pilot, lambda: isinstance(app.screen, FindingScreen), "the finding")
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MuteForm), "the mute form")
        until = app.screen.query_one("#until", Input).value
        await pilot.press(*"upstream fixes the scores", "enter")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, FindingScreen) and app.screen.detail.muted,
            "the finding again, muted",
        )
        await settle(pilot)
    with db.connect() as conn:
        rows = conn.execute("SELECT check_name, until, reason FROM ops.check_mute").fetchall()
    assert rows == [(CHECK, date.fromisoformat(until), "upstream fixes the scores")]
    assert date.fromisoformat(until) == date.today() + timedelta(days=7)
    assert app.finished_actions[-1].summary.startswith(f"muted {CHECK} until {until}")


async def test_d_on_a_mart_refreshes_it_and_its_descendants(db: DatabaseUnderTest) -> None:
    mart = "marts.player_game_epa"  # marts both above and below it
    app = console(db.settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first poll")
        app.load_mart(mart)
        await wait_for(pilot, lambda: isinstance(app.screen, MartScreen), "the mart")
        downstream = app.screen.detail.downstream
        await pilot.press("d")
        await wait_for(pilot, lambda: app.finished_actions, "the refresh")
        await settle(pilot)
    with db.connect() as conn:
        selection, refreshed = conn.execute(
            "SELECT r.selection, array_agg(m.mart ORDER BY m.mart) FROM ops.refresh_run r"
            " JOIN ops.mart_refresh m USING (run_id) GROUP BY r.run_id"
        ).fetchone()
    assert selection == [f"{mart}+"]
    assert set(refreshed) == {mart, *downstream}


async def test_enter_on_an_applied_migration_shows_its_record(db: DatabaseUnderTest) -> None:
    app = console(db.settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first poll")
        await pilot.press("1")
        await wait_for(pilot, lambda: app.selected("migrations") is not None, "a migration")
        chosen = app.selected("migrations")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MigrationRecordScreen), "the record")
        record = app.screen.record
        await pilot.press("y")
        await pilot.pause()
    assert record.file_name == chosen and record.latest is not None and record.latest.success
    assert record.sql and app.clipboard == record.sql
    assert record.lines()[1] == f"checksum {record.latest.checksum}"
