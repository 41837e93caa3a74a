"""Every console action, driven by its key against a real seeded database: what the user
asks for happens in the database (and under --read-only nothing does)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, ProgressBar

from cfbops.tui.action_bar import ActionBar
from cfbops.tui.screens.confirm import ConfirmScreen, TypedConfirmScreen
from cfbops.tui.screens.finding import FindingScreen
from cfbops.tui.screens.ledger import LedgerScreen
from cfbops.tui.screens.mart import MartScreen
from cfbops.tui.screens.migration_plan import MigrationPlanScreen
from cfbops.tui.screens.selector import SelectorPrompt
from tests.conftest import DatabaseUnderTest
from tests.tui.console_host import (
    CLEAN_PENDING_SQL,
    console,
    settle,
    wait_for,
    with_pending_migration,
)

pytestmark = pytest.mark.anyio

SIZE = (120, 40)


def _scalar(db: DatabaseUnderTest, query: str, *params: object) -> object:
    with db.connect() as conn:
        row = conn.execute(query, params).fetchone()
    return row[0] if row else None


def _probe_exists(db: DatabaseUnderTest) -> bool:
    return bool(_scalar(db, "SELECT to_regclass('ops.console_probe') IS NOT NULL"))


async def test_apply_shows_the_plan_to_confirm_then_migrates(db: DatabaseUnderTest) -> None:
    app = console(with_pending_migration(db.settings, db.home, CLEAN_PENDING_SQL))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        assert not _probe_exists(db)  # nothing before the answer
        await pilot.press("y")
        await wait_for(pilot, lambda: app.finished_actions, "migrate to finish")
        await settle(pilot)
    assert app.finished_actions[-1].ok, app.finished_actions[-1].summary
    assert _probe_exists(db)
    assert _scalar(
        db, "SELECT success FROM ops.schema_history WHERE version = '0999' ORDER BY 1 LIMIT 1"
    )


async def test_no_at_the_confirmation_applies_nothing(db: DatabaseUnderTest) -> None:
    app = console(with_pending_migration(db.settings, db.home, CLEAN_PENDING_SQL))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
    assert not _probe_exists(db) and not app.finished_actions


async def test_a_file_with_lint_errors_is_applied_only_once_its_version_is_typed(
    db: DatabaseUnderTest,
) -> None:
    app = console(with_pending_migration(db.settings, db.home))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen), "the question")
        await pilot.pause()
        said = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        await pilot.press("y", "enter")  # the plain yes of a clean file does not do
        await pilot.pause()
        refused = str(app.screen.query_one("#typed-problem").render())
        assert isinstance(app.screen, TypedConfirmScreen) and not _probe_exists(db)
        app.screen.query_one("#typed", Input).value = ""
        await pilot.press(*"V0999", "enter")
        await wait_for(pilot, lambda: app.finished_actions, "migrate to finish")
        await settle(pilot)
    assert "lint errors" in said and "type V0999" in said
    assert "is not V0999: nothing was applied" in refused
    assert app.finished_actions[-1].ok and _probe_exists(db)


async def test_refresh_all_refreshes_every_mart_with_live_progress(db: DatabaseUnderTest) -> None:
    app = console(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        await wait_for(pilot, lambda: app.finished_actions, "the refresh to finish")
        await settle(pilot)
        bar = app.query_one(ActionBar).query_one(ProgressBar)
        shown = (bar.progress, bar.total)
    finished = app.finished_actions[-1]
    assert finished.ok, finished.summary
    marts = _scalar(db, "SELECT count(*) FROM pg_matviews")
    run_id = _scalar(db, "SELECT max(run_id) FROM ops.refresh_run")
    refreshed = _scalar(
        db,
        "SELECT count(*) FROM ops.mart_refresh WHERE run_id = %s AND status = 'refreshed'",
        run_id,
    )
    assert refreshed == marts and f"{marts} refreshed" in finished.summary
    assert shown == (marts, marts)  # the bar followed the refresh mart by mart


async def test_refresh_stale_leaves_fresh_marts_alone(db: DatabaseUnderTest) -> None:
    app = console(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("R")
        await wait_for(pilot, lambda: len(app.finished_actions) == 1, "the full refresh")
        await settle(pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: len(app.finished_actions) == 2, "the stale refresh")
        await settle(pilot)
    run_id, stale_only = (
        db.connect()
        .execute("SELECT run_id, stale_only FROM ops.refresh_run ORDER BY run_id DESC LIMIT 1")
        .fetchone()
    )
    statuses = _scalar(
        db, "SELECT array_agg(DISTINCT status) FROM ops.mart_refresh WHERE run_id = %s", run_id
    )
    assert stale_only and statuses == ["fresh"]


async def test_refresh_selected_takes_a_dbt_style_selector(db: DatabaseUnderTest) -> None:
    mart = _scalar(
        db, "SELECT schemaname || '.' || matviewname FROM pg_matviews ORDER BY 1 LIMIT 1"
    )
    app = console(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, SelectorPrompt), "the prompt")
        await pilot.press(*f"+{mart}")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.finished_actions, "the selected refresh")
        await settle(pilot)
    run_id, selection = (
        db.connect()
        .execute("SELECT run_id, selection FROM ops.refresh_run ORDER BY run_id DESC LIMIT 1")
        .fetchone()
    )
    refreshed = _scalar(
        db, "SELECT array_agg(mart) FROM ops.mart_refresh WHERE run_id = %s", run_id
    )
    assert selection == [f"+{mart}"] and mart in refreshed
    assert len(refreshed) < _scalar(db, "SELECT count(*) FROM pg_matviews")


async def test_a_malformed_selector_is_one_line_and_runs_nothing(db: DatabaseUnderTest) -> None:
    app = console(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, SelectorPrompt), "the prompt")
        await pilot.press(*"a+b", "enter")
        await pilot.pause()
        problem = str(app.screen.query_one("#selector-problem").render())
        assert isinstance(app.screen, SelectorPrompt)
    assert "is not a mart selector" in problem and "\n" not in problem.strip()
    assert _scalar(
        db,
        "SELECT to_regclass('ops.refresh_run') IS NULL OR NOT EXISTS"
        " (SELECT 1 FROM ops.refresh_run)",
    )


async def test_run_checks_stores_a_run_with_every_result(db: DatabaseUnderTest) -> None:
    app = console(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await wait_for(pilot, lambda: app.finished_actions, "the checks")
        await settle(pilot)
    run_id = _scalar(db, "SELECT max(run_id) FROM ops.check_run")
    results = _scalar(db, "SELECT count(*) FROM ops.check_result WHERE run_id = %s", run_id)
    assert run_id is not None and results > 10
    assert f"run {run_id}" in app.finished_actions[-1].summary


async def test_read_only_dims_every_writing_key_and_changes_nothing(
    db: DatabaseUnderTest,
) -> None:
    def footprint() -> tuple:
        with db.connect() as conn:
            return conn.execute(
                "SELECT (SELECT count(*) FROM ops.schema_history),"
                " (SELECT count(*) FROM pg_matviews),"
                " to_regclass('ops.refresh_run') IS NULL"
                " OR NOT EXISTS (SELECT 1 FROM ops.refresh_run),"
                " (SELECT count(*) FROM ops.backfill_jobs),"
                " to_regclass('ops.console_probe')"
            ).fetchone()

    before = footprint()
    app = console(with_pending_migration(db.settings, db.home), read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first poll")
        enabled = {key: app.screen.active_bindings[key].enabled for key in "arRfpbc"}
        for key in ("a", "r", "R", "f", "p", "b"):
            await pilot.press(key)
        # The palette reaches the actions too: there each is refused with one line.
        for action in ("apply_migrations", "refresh_all", "backfill"):
            getattr(app, f"action_{action}")()
        await settle(pilot)
        refusals = [n.message for n in app._notifications if "read-only" in n.message]
        assert not isinstance(app.screen, (ConfirmScreen, SelectorPrompt))
    assert enabled == dict.fromkeys("arRfpb", False) | {"c": True}
    assert len(refusals) == 3 and all("\n" not in line for line in refusals)
    assert not app.finished_actions
    assert footprint() == before


async def test_checks_under_read_only_run_but_store_nothing(db: DatabaseUnderTest) -> None:
    app = console(db.settings, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await wait_for(pilot, lambda: app.finished_actions, "the checks")
        await settle(pilot)
    assert "not stored (read-only)" in app.finished_actions[-1].summary
    assert _scalar(
        db,
        "SELECT to_regclass('ops.check_run') IS NULL OR NOT EXISTS (SELECT 1 FROM ops.check_run)",
    )


async def test_the_palette_offers_and_runs_an_action(db: DatabaseUnderTest) -> None:
    app = console(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Refresh every mart")
        await wait_for(
            pilot,
            lambda: (
                "Refresh every mart"
                in str(app.screen.query("CommandList").first().get_option_at_index(0).prompt)
                if app.screen.query("CommandList")
                and app.screen.query("CommandList").first().option_count
                else False
            ),
            "the palette's hit",
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.finished_actions, "the refresh")
        await settle(pilot)
    assert app.finished_actions[-1].ok
    assert _scalar(db, "SELECT count(*) FROM ops.refresh_run") == 1


async def test_the_drill_downs_open_from_their_keys(db: DatabaseUnderTest) -> None:
    app = console(with_pending_migration(db.settings, db.home))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("B")
        await wait_for(pilot, lambda: isinstance(app.screen, LedgerScreen), "the ledger")
        await pilot.press("escape")
        await app.run_action("migration_plan")
        await wait_for(pilot, lambda: isinstance(app.screen, MigrationPlanScreen), "the plan")
        await pilot.pause()
        text = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        await pilot.press("escape")
        app.load_mart(_scalar(db, "SELECT matviewname FROM pg_matviews ORDER BY 1 LIMIT 1"))
        await wait_for(pilot, lambda: isinstance(app.screen, MartScreen), "the mart")
    assert "V0999__console_probe.sql" in text and "SHARE" in text
    assert "CREATE INDEX" in text and "lint" in text and "pre-flight" in text


async def test_enter_on_a_pane_row_opens_its_drill_down(db: DatabaseUnderTest) -> None:
    app = console(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first poll")
        await pilot.press("3")
        await wait_for(pilot, lambda: app.selected("marts") is not None, "a selected mart")
        mart = app.selected("marts")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MartScreen), "the mart drill-down")
        shown_mart = app.screen.detail.name
        await pilot.press("escape")
        await pilot.press("c")  # the demo data holds a known defect: a finding to open
        await wait_for(pilot, lambda: app.finished_actions, "the checks")
        await wait_for(pilot, lambda: app.selected("quality") is not None, "a listed finding")
        check = app.selected("quality")
        await pilot.press("4", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FindingScreen), "the finding")
        finding = app.screen.detail
    assert shown_mart == mart
    assert finding.check == check and finding.sample and finding.action


async def test_apply_with_nothing_pending_says_so_and_asks_nothing(db: DatabaseUnderTest) -> None:
    app = console(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await wait_for(pilot, lambda: app.finished_actions, "the answer")
        await settle(pilot)
        asked = isinstance(app.screen, ConfirmScreen)
    assert not asked
    assert app.finished_actions[-1].summary == "Nothing to migrate: the database is up to date."
