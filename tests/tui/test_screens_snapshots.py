"""Each drill-down at 80x24 and 120x40: data read from the seeded database by the same core
functions the console calls, with every rendered timestamp and duration pinned so the
pictures are the same on every run."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from cfbops.activity import recent_activity
from cfbops.backfill.control import backfill_estimate
from cfbops.backfill.queue import Kind
from cfbops.backfill.runner import run_backfill
from cfbops.cfbd.calls import recent_calls
from cfbops.marts.detail import mart_detail
from cfbops.marts.runner import refresh_marts
from cfbops.migrate.plan import migration_plan
from cfbops.quality.findings import finding_detail
from cfbops.quality.session import check_database
from cfbops.tui.screens.activity import ActivityScreen
from cfbops.tui.screens.backfill import BackfillRequest, BackfillScreen
from cfbops.tui.screens.confirm import ConfirmScreen
from cfbops.tui.screens.finding import FindingScreen
from cfbops.tui.screens.help import HelpScreen
from cfbops.tui.screens.ledger import LedgerScreen
from cfbops.tui.screens.mart import MartScreen
from cfbops.tui.screens.migration_plan import MigrationPlanScreen, summary_line
from tests.backfill.helpers import SEASON
from tests.cfbd.conftest import FAST
from tests.conftest import DatabaseUnderTest
from tests.tui.console_host import with_pending_migration

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
PINNED = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
# A mart with marts both above and below it in the demo warehouse.
MART = "marts.player_game_epa"


class ScreenHost(App[None]):
    """Nothing but the screen under test, pushed at start."""

    def __init__(self, build: Callable[[], Screen[object]]) -> None:
        super().__init__()
        self.build = build

    def on_mount(self) -> None:
        self.push_screen(self.build())


async def _still(pilot: Pilot) -> None:
    """No blinking cursor in the picture."""
    await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_migration_plan(snap_compare, db: DatabaseUnderTest, size) -> None:
    settings = with_pending_migration(db.settings, db.home)
    plan = migration_plan(settings, settings.sql_dir)
    assert snap_compare(ScreenHost(lambda: MigrationPlanScreen(plan)), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_apply_confirmation(snap_compare, db: DatabaseUnderTest, size) -> None:
    settings = with_pending_migration(db.settings, db.home)
    plan = migration_plan(settings, settings.sql_dir)
    files = [f"  {f.file.display_path}" for f in plan.files]
    screen = lambda: ConfirmScreen(  # noqa: E731
        f"Apply {len(plan.files)} pending migration file(s)?", [summary_line(plan), *files]
    )
    assert snap_compare(ScreenHost(screen), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_mart(snap_compare, db: DatabaseUnderTest, size) -> None:
    for _ in range(3):
        refresh_marts(db.settings, [MART])
    detail = mart_detail(db.settings, MART)
    assert detail.upstream and detail.downstream and len(detail.history) == 3
    pinned = dataclasses.replace(
        detail,
        history=tuple(
            dataclasses.replace(
                r, started_at=PINNED - timedelta(hours=i), duration_ms=120.0 + 35 * (i % 2)
            )
            for i, r in enumerate(detail.history)
        ),
    )
    assert snap_compare(ScreenHost(lambda: MartScreen(pinned)), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_finding(snap_compare, db: DatabaseUnderTest, size) -> None:
    # The demo data reproduces a known defect: completed games without a score.
    check_database(db.settings, ["completed_games_null_scores"])
    detail = finding_detail(db.settings, "completed_games_null_scores")
    assert detail.outcome == "failed" and detail.sample
    pinned = dataclasses.replace(detail, checked_at=PINNED, failing_since=PINNED)
    assert snap_compare(ScreenHost(lambda: FindingScreen(pinned)), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_ledger(snap_compare, cfbd_settings, size) -> None:
    # Six calls: four games, two kept in hand for a game over 2,000 rows.
    run_backfill(cfbd_settings, Kind.PLAY_STATS, SEASON, SEASON, max_calls=6, policy=FAST)
    calls = recent_calls(cfbd_settings)
    assert sum(c.metered for c in calls) == 4
    pinned = tuple(
        dataclasses.replace(c, called_at=PINNED - timedelta(seconds=i), duration_ms=40 + i)
        for i, c in enumerate(calls)
    )
    assert snap_compare(ScreenHost(lambda: LedgerScreen(pinned)), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_backfill_control(snap_compare, cfbd_settings, size) -> None:
    request = BackfillRequest(Kind.PLAY_STATS, SEASON, SEASON, 25)
    estimate = backfill_estimate(cfbd_settings, Kind.PLAY_STATS, SEASON, SEASON, max_calls=25)
    assert estimate.items == 40
    screen = lambda: BackfillScreen(cfbd_settings, request, estimate)  # noqa: E731
    assert snap_compare(ScreenHost(screen), terminal_size=size, run_before=_still)


@pytest.mark.parametrize("size", SIZES)
def test_activity(snap_compare, db: DatabaseUnderTest, size) -> None:
    refresh_marts(db.settings, [MART])
    check_database(db.settings, ["completed_games_null_scores"])
    # Times pinned, measured durations too (they differ between runs and template builds).
    history = tuple(
        dataclasses.replace(
            e,
            at=PINNED - timedelta(minutes=7 * i),
            summary=re.sub(r"\d+ ms\)", "10 ms)", re.sub(r" in \d+\.\ds", " in 0.1s", e.summary)),
        )
        for i, e in enumerate(recent_activity(db.settings))
    )
    session = [
        "09:12:03 refresh: marts.player_game_epa refreshed (concurrent, 120ms, 2,048 rows)",
        "09:12:03 refresh done: 1 refreshed in 0.2s (1 worker, run 1)",
        "09:14:40 check done: run 1: 0 errors, 1 warnings (stored)",
    ]
    assert snap_compare(ScreenHost(lambda: ActivityScreen(session, history)), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, size) -> None:
    assert snap_compare(ScreenHost(lambda: HelpScreen(read_only=False)), terminal_size=size)
