"""Tables as in the tools people know, on the pinned dashboard: `/` filters a pane by name as
you type, `s` cycles its sort, after a resize every table is laid out as a fresh start at that
size, `?` toggles the help (escape closes it too), and it explains columns, marks and twins."""

from __future__ import annotations

import pytest
from textual import events
from textual.geometry import Size

from cfbops.tui.app import CfbopsApp
from cfbops.tui.data import ConsoleSnapshot
from cfbops.tui.screens.help import HelpScreen
from tests.conftest import DatabaseUnderTest
from tests.tui.dashboard_world import wait_for
from tests.tui.frozen import FixedSource, fixed_clock
from tests.tui.test_dashboard_snapshots import frozen_snapshot

__all__ = ["frozen_snapshot"]

pytestmark = pytest.mark.anyio


def _app(snapshot: ConsoleSnapshot, db: DatabaseUnderTest) -> CfbopsApp:
    return CfbopsApp(
        db.settings, source=FixedSource(snapshot), clock=fixed_clock, poll_interval_s=3600
    )


def _marts(app: CfbopsApp) -> list[str]:
    table = app.pane_widgets["marts"].table
    return [key.value for key in table.rows]


def _tables_as_shown(app: CfbopsApp) -> dict[str, list[str]]:
    """Each pane's table as the screen shows it: its lines of text."""
    lines = [
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    ]
    shown = {}
    for pane_id, pane in app.pane_widgets.items():
        region = pane.table.region
        shown[pane_id] = [line[region.x : region.right] for line in lines[region.y : region.bottom]]
    return shown


async def test_slash_filters_the_marts_by_name_as_you_type(
    frozen_snapshot: ConsoleSnapshot, db: DatabaseUnderTest
) -> None:
    app = _app(frozen_snapshot, db)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first poll")
        every = _marts(app)
        await pilot.press("3", "slash", *"epa")
        await pilot.pause()
        filtered = _marts(app)
        subtitle = app.pane_widgets["marts"].border_subtitle
        await pilot.press("escape")
        await pilot.press("j")  # the table has the keys again
        await pilot.pause()
        back_in_the_table = app.focused is app.pane_widgets["marts"].table
    assert filtered == [m for m in every if "epa" in m] and 0 < len(filtered) < len(every)
    assert subtitle == "filter: epa"
    assert back_in_the_table


async def test_s_sorts_the_marts_slowest_first_then_stale_then_by_name(
    frozen_snapshot: ConsoleSnapshot, db: DatabaseUnderTest
) -> None:
    took = {m.name: m.last_duration_ms or 0.0 for m in frozen_snapshot.status.marts.states}
    app = _app(frozen_snapshot, db)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first poll")
        listed = _marts(app)
        await pilot.press("3", "s")
        await pilot.pause()
        slowest = _marts(app)
        await pilot.press("s", "s")
        await pilot.pause()
        by_name = _marts(app)
        await pilot.press("s")
        await pilot.pause()
        back = _marts(app)
    assert slowest == sorted(took, key=lambda m: -took[m])
    assert by_name == sorted(took)
    assert back == listed


async def test_after_a_resize_every_table_is_laid_out_as_a_fresh_start(
    frozen_snapshot: ConsoleSnapshot, db: DatabaseUnderTest
) -> None:
    fresh = _app(frozen_snapshot, db)
    async with fresh.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: fresh.polls >= 1, "the first poll")
        await pilot.pause()
        expected = _tables_as_shown(fresh)
    resized = _app(frozen_snapshot, db)
    async with resized.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: resized.polls >= 1, "the first poll")
        await pilot.pause()
        # As Textual's terminal driver does on SIGWINCH: a Resize event posted to the App,
        # once for each size the terminal passes through while it is dragged smaller.
        for width, height in ((110, 36), (96, 30), (80, 24)):
            resized._driver._size = (width, height)  # type: ignore[union-attr]
            resized.post_message(events.Resize(Size(width, height), Size(width, height)))
            await pilot.pause()
        await pilot.pause()
        got = _tables_as_shown(resized)
    for pane_id, lines in expected.items():
        assert got[pane_id] == lines, f"the {pane_id} table differs from a fresh start"


async def test_help_toggles_on_question_mark_and_escape_closes_it(
    frozen_snapshot: ConsoleSnapshot, db: DatabaseUnderTest
) -> None:
    app = _app(frozen_snapshot, db)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first poll")
        await pilot.press("question_mark")
        await pilot.pause()
        opened = isinstance(app.screen, HelpScreen)
        text = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        twins = [app.screen.query_one("DataTable").get_row_at(i) for i in range(3)]
        await pilot.press("question_mark")
        await pilot.pause()
        closed_by_toggle = not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        closed_by_escape = not isinstance(app.screen, HelpScreen)
    assert opened and closed_by_toggle and closed_by_escape
    assert ["r", "cfbops --headless refresh --stale", "Refresh only the stale marts"] in [
        [str(cell) for cell in row] for row in twins
    ]
    assert "S stale" in text and "▲ slower than usual" in text
    assert "state: new (first seen this run)" in text
