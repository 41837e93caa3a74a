"""The footer: moving between panes keeps its keys (nothing rebuilt, nothing kept alive), and
it still follows the keys when they do change."""

from __future__ import annotations

import gc
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets._footer import FooterKey

from cfbops.tui.app import CfbopsApp
from cfbops.tui.footer import ConsoleFooter
from tests.conftest import DatabaseUnderTest
from tests.tui.dashboard_world import wait_for

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
