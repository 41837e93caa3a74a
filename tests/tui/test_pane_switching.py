"""Moving between panes: the footer keeps its keys (nothing rebuilt, nothing kept alive) yet
follows them when they change, a table drawn again from what it kept for its focused or
blurred look is what a fresh paint shows, and the partial repaint of a pane switch covers
every cell whose look changed. And the full garbage collections that stalled a
key press skip what the console holds from its first paint on, until it closes."""

from __future__ import annotations

import gc
from typing import ClassVar

import pytest
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets._footer import FooterKey

from cfbops.tui.app import CfbopsApp
from cfbops.tui.data import ConsoleSnapshot
from cfbops.tui.footer import ConsoleFooter
from tests.conftest import DatabaseUnderTest
from tests.tui.dashboard_world import wait_for
from tests.tui.frozen import FixedSource, fixed_clock
from tests.tui.test_dashboard_snapshots import frozen_snapshot

__all__ = ["frozen_snapshot"]

pytestmark = pytest.mark.anyio


def footer_keys_alive() -> int:
    gc.collect()
    return sum(isinstance(o, FooterKey) for o in gc.get_objects())


async def test_moving_between_panes_leaves_no_footer_keys_behind(db: DatabaseUnderTest):
    app = CfbopsApp(db.settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first snapshot")
        await pilot.press("1", "3")
        await pilot.pause()
        shown = [key.description for key in app.screen.query(FooterKey)]
        before = footer_keys_alive()
        for _ in range(10):
            await pilot.press("1", "3")
        await pilot.pause()
        after = footer_keys_alive()
        shown_after = [key.description for key in app.screen.query(FooterKey)]
    assert "Quit" in shown and "Refresh all" in shown
    assert shown_after == shown
    # Textual's own footer rebuilt its keys on every focus change and kept the old ones.
    assert after == before


class Pad(Widget, can_focus=True):
    def __init__(self, key: str, description: str, *, id: str) -> None:
        super().__init__(id=id)
        self._bindings.bind(key, "app.bell", description)


class TwoPads(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Pad("x", "Cross", id="cross")
        yield Pad("o", "Nought", id="nought")
        yield ConsoleFooter()


async def test_the_footer_follows_the_keys_when_they_change():
    app = TwoPads()
    async with app.run_test(size=(60, 5)) as pilot:
        seen = []
        for pad in ("#cross", "#nought", "#cross"):
            app.query_one(pad).focus()
            await pilot.pause()
            seen.append(sorted(k.description for k in app.screen.query(FooterKey)))
    assert seen == [
        ["Cross", "Quit", "palette"],
        ["Nought", "Quit", "palette"],
        ["Cross", "Quit", "palette"],
    ]


def screen_cells(app: App[None]) -> list[list[tuple[str, object]]]:
    """What the screen shows: every line's text runs with their styles."""
    return [
        [(segment.text, segment.style) for segment in strip]
        for strip in app.screen._compositor.render_strips()
    ]


async def painted_after(snapshot: ConsoleSnapshot, db: DatabaseUnderTest, keys: str):
    app = CfbopsApp(
        db.settings, source=FixedSource(snapshot), clock=fixed_clock, poll_interval_s=3600
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first snapshot")
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        return screen_cells(app), app.focused_pane().id  # type: ignore[union-attr]


async def test_a_pane_switched_to_and_fro_looks_as_when_first_focused(
    frozen_snapshot: ConsoleSnapshot, db: DatabaseUnderTest
):
    for keys in ("3", "1"):
        fresh = await painted_after(frozen_snapshot, db, keys)
        # The tables' cells come from what they kept for each look after the first round.
        switched = await painted_after(frozen_snapshot, db, "31313131"[: 8 if keys == "1" else 7])
        assert switched[1] == fresh[1]
        assert switched[0] == fresh[0], f"the screen differs after switching to pane {keys}"


async def test_the_first_paints_objects_are_spared_the_collector_until_the_console_closes(
    db: DatabaseUnderTest,
):
    assert gc.get_freeze_count() == 0
    app = CfbopsApp(db.settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first snapshot")
        await wait_for(pilot, lambda: gc.get_freeze_count() > 0, "the freeze after the paint")
        frozen = gc.get_freeze_count()
    # Given back: an App closed in a longer-lived process (the tests) is collectable again.
    assert frozen > 10_000
    assert gc.get_freeze_count() == 0


def cell_grid(app: App[None]) -> list[list[tuple[str, object]]]:
    """The screen cell by cell (every character here is one cell wide)."""
    return [
        [(char, text_style) for text, text_style in line for char in text]
        for line in screen_cells(app)
    ]


async def test_a_pane_switch_repaints_every_cell_whose_look_changed(
    frozen_snapshot: ConsoleSnapshot, db: DatabaseUnderTest
):
    app = CfbopsApp(
        db.settings, source=FixedSource(frozen_snapshot), clock=fixed_clock, poll_interval_s=3600
    )
    painted: set[tuple[int, int]] = set()
    display = app._display

    def recording(screen, update) -> None:
        if isinstance(update, LayoutUpdate):
            region = update.region
            painted.update((y, x) for y in range(region.height) for x in range(region.width))
        elif isinstance(update, ChopsUpdate):
            painted.update((y, x) for y, x1, x2 in update.spans for x in range(x1, x2))
        display(screen, update)

    app._display = recording  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first snapshot")
        await pilot.press("1")
        await pilot.pause()
        before = cell_grid(app)
        painted.clear()
        await pilot.press("3")
        for _ in range(3):
            await pilot.pause()
        after = cell_grid(app)
        regions = [app.pane_widgets[pane].region for pane in ("migrations", "marts")]
    changed = {
        (y, x)
        for y, (old, new) in enumerate(zip(before, after, strict=True))
        for x, (was, now) in enumerate(zip(old, new, strict=True))
        if was != now
    }
    # Both panes' borders and tables change their look; not one changed cell left unpainted.
    assert all(any(region.contains(x, y) for y, x in changed) for region in regions)
    assert changed - painted == set()
    # Only what changed was painted (the two panes), not the whole screen again.
    assert len(painted) < 120 * 40
