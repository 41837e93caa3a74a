"""The prompt of "refresh selected": dbt-style selectors, as `refresh --select` takes them."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.widget import Widget
from textual.widgets import Input, Static

from cfbops.errors import UsageError
from cfbops.marts.selection import Selector
from cfbops.tui.screens.base import DrillDown, text_block

HELP = "NAME, NAME+ (and downstream), +NAME (and upstream); several separated by spaces"


def parse_selectors(text: str) -> tuple[str, ...]:
    """The selectors in `text`, each checked for form (names are checked by the refresh)."""
    parts = tuple(part for part in text.replace(",", " ").split() if part)
    if not parts:
        raise UsageError("name at least one mart (" + HELP + ")")
    for part in parts:
        Selector.parse(part)
    return parts


class SelectorPrompt(DrillDown[tuple[str, ...] | None]):
    def __init__(self, initial: str = "") -> None:
        super().__init__("Refresh selected marts")
        self.initial = initial

    def body(self) -> Iterable[Widget]:
        yield text_block([HELP], classes="hint")
        yield Input(value=self.initial, placeholder="e.g. marts.team_season+", id="selectors")
        yield Static("", id="selector-problem", classes="problem", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        try:
            selectors = parse_selectors(event.value)
        except UsageError as exc:
            self.query_one("#selector-problem", Static).update(str(exc))
            return
        self.dismiss(selectors)
