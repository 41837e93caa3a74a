"""The dashboard against a real seeded database: every pane fills with the database's own
figures, the header names the target without its password, and a lost connection shows a
banner, then recovers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cfbops.status import collect_status
from cfbops.tui.app import CfbopsApp
from cfbops.tui.panes import BudgetPane, MartsPane, MigrationsPane, QualityPane
from tests.conftest import DatabaseUnderTest
from tests.marts.world import flush_statistics
from tests.tui.dashboard_world import refresh_twice, run_checks, spend_calls, wait_for

pytestmark = pytest.mark.anyio

SIZE = (120, 40)


def text_of(app: CfbopsApp, selector: str) -> str:
    return str(app.query_one(selector).render())


def table_rows(pane) -> dict[str, list[str]]:
    table = pane.table
    return {key.value: [str(c) for c in table.get_row(key)] for key in table.rows}


async def first_paint(app: CfbopsApp, pilot) -> None:
    await wait_for(pilot, lambda: app.polls >= 1, "the first snapshot")
    await pilot.pause()


async def test_the_header_names_the_target_with_its_password_redacted(db: DatabaseUnderTest):
    app = CfbopsApp(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        header = text_of(app, "#target")
    expected = collect_status(db.settings).database
    assert expected.url in header
    assert f"PostgreSQL {expected.server_version}" in header
    assert "external" in header and "read-write" in header and "connected" in header


async def test_the_header_says_read_only_when_the_console_is(db: DatabaseUnderTest):
    app = CfbopsApp(db.settings, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        assert "read-only" in text_of(app, "#target")


async def test_the_migrations_pane_counts_what_the_history_holds(db: DatabaseUnderTest):
    with db.connect() as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE version IS NOT NULL), max(version)"
            " FROM ops.schema_history WHERE success"
        ).fetchone()
    assert row is not None
    applied_versions, newest_version = row
    app = CfbopsApp(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        pane = app.query_one(MigrationsPane)
        summary = text_of(app, "#migrations .summary")
        rows = table_rows(pane)
        await pilot.press("1")
        selected = pane.selected_migration
    applied_total = collect_status(db.settings).migrations
    assert applied_total is not None and applied_total.applied >= applied_versions
    assert f"{applied_total.applied} applied · 0 pending · 0 failed\n0 drifted" in summary
    assert f"latest V{newest_version}" in summary
    assert all(cells[1] == "applied" for cells in rows.values())
    assert selected is not None and selected in rows


async def test_the_migrations_pane_lists_a_pending_file_with_its_lint(
    db: DatabaseUnderTest, tmp_path
):
    import shutil

    sql_dir = tmp_path / "sql"
    shutil.copytree(db.settings.sql_dir, sql_dir)
    (sql_dir / "migrations" / "V9990__index_without_concurrently.sql").write_text(
        "CREATE INDEX games_season_idx ON core.games (season);\n"
    )
    import dataclasses

    settings = dataclasses.replace(db.settings, sql_dir=sql_dir)
    app = CfbopsApp(settings)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        rows = table_rows(app.query_one(MigrationsPane))
        summary = text_of(app, "#migrations .summary")
    assert "1 pending" in summary
    assert rows["V9990__index_without_concurrently.sql"][1:3] == ["pending", "1E 0W"]
    assert "lint 1 errors" in summary


async def test_the_budget_pane_shows_the_ledgers_calls_and_the_reset(db: DatabaseUnderTest):
    now = datetime.now(UTC)
    today = now.replace(hour=0, minute=5, second=0, microsecond=0)
    used = spend_calls(db, {today: 7, today - timedelta(days=2): 3})
    app = CfbopsApp(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        summary = text_of(app, "#budget .summary")
        sparkline = app.query_one("#calls-per-day").data
        label = text_of(app, "#calls-per-day-label")
    assert summary.startswith(f"{used:,}/75,000 used · {75000 - used:,} left\nresets in ")
    assert list(sparkline)[-3:] == [3, 0, 7]
    assert label.endswith(" · 10 · peak 7")


async def test_the_budget_pane_shows_each_backfill_jobs_progress(db: DatabaseUnderTest):
    with db.connect() as conn:
        job = conn.execute(
            "INSERT INTO ops.backfill_jobs (kind, first_season, last_season)"
            " VALUES ('play-stats', 2021, 2022) RETURNING id"
        ).fetchone()
        assert job is not None
        conn.execute(
            "INSERT INTO ops.backfill_items (kind, job_id, item_key, season, state, finished_at)"
            " SELECT 'play-stats', %s, g, 2021, CASE WHEN g <= 3 THEN 'done' ELSE 'pending' END,"
            " CASE WHEN g <= 3 THEN now() END FROM generate_series(1, 8) AS g",
            (job[0],),
        )
    app = CfbopsApp(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        pane = app.query_one(BudgetPane)
        rows = table_rows(pane)
        await pilot.press("2")
        selected = pane.selected_job
    assert rows["play-stats 2021-2022"][2] == "3/8"
    assert rows["play-stats 2021-2022"][1] == "pending"
    assert selected == "play-stats 2021-2022"


async def test_the_marts_pane_lists_every_mart_with_its_last_refresh(db: DatabaseUnderTest):
    refresh_twice(db)
    with db.connect() as conn:
        history = dict(
            conn.execute(
                "SELECT mart, rows FROM ops.mart_refresh"
                " WHERE run_id = (SELECT max(run_id) FROM ops.refresh_run)"
            ).fetchall()
        )
    app = CfbopsApp(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        pane = app.query_one(MartsPane)
        rows = table_rows(pane)
        summary = text_of(app, "#marts .summary")
        await pilot.press("3")
        selected = pane.selected_mart
    assert set(rows) == set(history)
    for mart, mart_rows in history.items():
        assert rows[mart][5] == f"{mart_rows:,}"
        assert rows[mart][7] == "refreshed"
        assert len(rows[mart][3]) == 2  # one sparkline character a refresh
    assert f"{len(history)} marts · 0 stale" in summary
    assert selected in history


async def test_the_marts_pane_marks_a_mart_whose_inputs_changed_as_stale(db: DatabaseUnderTest):
    refresh_twice(db)
    with db.connect() as conn:
        conn.execute(
            "UPDATE recruiting.recruits SET stars = stars WHERE id IN"
            " (SELECT id FROM recruiting.recruits LIMIT 1)"
        )
        flush_statistics(conn)
    stale = set(collect_status(db.settings).marts.stale)  # type: ignore[union-attr]
    assert stale, "the update should leave a mart stale"
    app = CfbopsApp(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        rows = table_rows(app.query_one(MartsPane))
    marked = {mart for mart, cells in rows.items() if cells[1].startswith("S")}
    assert marked == stale


async def test_the_quality_pane_lists_the_last_runs_findings(db: DatabaseUnderTest):
    run_checks(db)
    with db.connect() as conn:
        failed = dict(
            conn.execute(
                "SELECT check_name, count FROM ops.check_result WHERE outcome = 'failed'"
                " AND run_id = (SELECT max(run_id) FROM ops.check_run)"
            ).fetchall()
        )
    app = CfbopsApp(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        rows = table_rows(app.query_one(QualityPane))
        summary = text_of(app, "#quality .summary")
    assert set(rows) == set(failed)
    for check, found in failed.items():
        assert rows[check][2] == f"{found:,}" and rows[check][3] == "new"
    assert summary.startswith("run 1, ")
    assert f"{sum(1 for c in rows.values() if c[0] == 'warn')} warnings" in summary


async def test_panes_without_their_tables_say_which_command_brings_them(
    empty_db: DatabaseUnderTest,
):
    app = CfbopsApp(empty_db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        budget = text_of(app, "#budget .summary")
        migrations = text_of(app, "#migrations .summary")
    assert budget == "not available — arrives with `cfbops --headless migrate`"
    assert "0 applied" in migrations and "pending" in migrations


async def test_a_killed_connection_shows_a_banner_then_the_dashboard_recovers(
    db: DatabaseUnderTest,
):
    app = CfbopsApp(db.settings, poll_interval_s=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        source = app.source
        pid = source.backend_pid  # type: ignore[attr-defined]
        assert pid is not None
        with db.connect() as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        await wait_for(pilot, lambda: app.query_one("#banner").display, "the banner")
        banner = text_of(app, "#banner")
        assert "lost the database connection" in banner or "cannot connect" in banner
        assert "reconnecting" in text_of(app, "#target")
        polls = app.polls
        await wait_for(pilot, lambda: app.polls > polls, "a poll after the reconnect")
        await pilot.pause()
        assert not app.query_one("#banner").display
        assert "connected" in text_of(app, "#target")
        assert source.backend_pid not in (None, pid)  # type: ignore[attr-defined]


async def test_a_failing_query_shows_a_banner_and_polling_goes_on(db: DatabaseUnderTest):
    app = CfbopsApp(db.settings, poll_interval_s=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        # A column the backfill section reads goes away under the live connection.
        with db.connect() as conn:
            conn.execute("ALTER TABLE ops.backfill_items RENAME COLUMN state TO state_old")
        await wait_for(pilot, lambda: app.query_one("#banner").display, "the banner")
        banner = text_of(app, "#banner")
        # The failed query, or (once the console has reconnected) the table it no longer knows.
        assert (
            "could not read the dashboard: column" in banner
            or "ops.backfill_items lacks column(s) state" in banner
        )
        polls = app.polls
        with db.connect() as conn:
            conn.execute("ALTER TABLE ops.backfill_items RENAME COLUMN state_old TO state")
        await wait_for(pilot, lambda: app.polls > polls, "a poll once the column is back")
        await pilot.pause()
        assert not app.query_one("#banner").display


async def test_ops_tables_cfbops_did_not_make_are_named_in_the_banner(db: DatabaseUnderTest):
    with db.connect() as conn:
        conn.execute("ALTER TABLE ops.backfill_jobs ALTER COLUMN paused_at TYPE text")
    app = CfbopsApp(db.settings, poll_interval_s=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.query_one("#banner").display, "the banner")
        assert "ops.backfill_jobs.paused_at is text" in text_of(app, "#banner")


async def test_number_keys_and_tab_move_between_panes_and_q_quits(db: DatabaseUnderTest):
    app = CfbopsApp(db.settings)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        visited = []
        for key in ("4", "1", "3", "2"):
            await pilot.press(key)
            visited.append(app.focused_pane().id)  # type: ignore[union-attr]
        await pilot.press("1", "tab")
        after_tab = app.focused_pane().id  # type: ignore[union-attr]
        await pilot.press("shift+tab")
        after_back = app.focused_pane().id  # type: ignore[union-attr]
        await pilot.press("question_mark")
        await pilot.pause()
        help_shown = type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape", "q")
        await pilot.pause()
    assert visited == ["quality", "migrations", "marts", "budget"]
    assert after_tab != "migrations" and after_back == "migrations"
    assert help_shown
    assert app.return_code == 0


async def test_polls_go_on_under_a_drill_down_and_the_dashboard_is_current_after(
    db: DatabaseUnderTest,
):
    from textual.screen import Screen

    app = CfbopsApp(db.settings, poll_interval_s=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await first_paint(app, pilot)
        await app.push_screen(Screen())
        with db.connect() as conn:
            conn.execute("INSERT INTO ops.check_run (finished_at) VALUES (now())")
        polls = app.polls
        await wait_for(pilot, lambda: app.polls >= polls + 2, "polls under the drill-down")
        await pilot.press("escape")
        await pilot.pause()
        summary = text_of(app, "#quality .summary")
    assert summary.startswith("run 1, ")
