"""Pictures of the dashboard at 80x24 and 120x40 (pytest-textual-snapshot), from a snapshot
read off the seeded test database (refreshed twice, calls in the ledger, a backfill part-done,
checks run) with its clock and measured times pinned (tests/tui/frozen.py).

Update the pictures after a deliberate change with `--snapshot-update`, and look at them."""

from __future__ import annotations

import pytest

from cfbops.tui.app import CfbopsApp
from cfbops.tui.data import ConsoleSnapshot, StatusSource
from tests.conftest import DatabaseUnderTest
from tests.tui.dashboard_world import busy_world
from tests.tui.frozen import FixedSource, fixed_clock, pinned


@pytest.fixture
def frozen_snapshot(db: DatabaseUnderTest) -> ConsoleSnapshot:
    busy_world(db)
    # The real clock for the reading (the per-day counts follow the calls' real dates); the
    # pinning then moves every moment, the reading's own time included, to the pinned clock.
    source = StatusSource(db.settings)
    try:
        return pinned(source.poll())
    finally:
        source.close()


async def _first_paint(pilot) -> None:
    while pilot.app.polls < 1:
        await pilot.pause(0.02)
    await pilot.pause()


def _app(snapshot: ConsoleSnapshot, db: DatabaseUnderTest) -> CfbopsApp:
    # A long interval: the picture is the first paint, not a later poll's.
    return CfbopsApp(
        db.settings, source=FixedSource(snapshot), clock=fixed_clock, poll_interval_s=3600
    )


def test_the_dashboard_at_80x24(snap_compare, frozen_snapshot, db: DatabaseUnderTest):
    assert snap_compare(_app(frozen_snapshot, db), terminal_size=(80, 24), run_before=_first_paint)


def test_the_dashboard_at_120x40(snap_compare, frozen_snapshot, db: DatabaseUnderTest):
    assert snap_compare(_app(frozen_snapshot, db), terminal_size=(120, 40), run_before=_first_paint)


def test_the_dashboard_with_a_pane_focused(snap_compare, frozen_snapshot, db: DatabaseUnderTest):
    async def focus_marts(pilot) -> None:
        await _first_paint(pilot)
        await pilot.press("3", "down", "down")
        await pilot.pause()

    assert snap_compare(_app(frozen_snapshot, db), terminal_size=(120, 40), run_before=focus_marts)
