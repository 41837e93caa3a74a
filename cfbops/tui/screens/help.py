"""Help: each key with its headless twin, each pane's columns, marks and states. `?` or escape
closes it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget

from cfbops.tui.action_catalog import CONSOLE_ACTIONS
from cfbops.tui.panes import BudgetPane, MartsPane, MigrationsPane, QualityPane
from cfbops.tui.panes.table import ReadingTable
from cfbops.tui.screens.base import DrillDown, text_block

# Keys that move about rather than run an operation (no headless twin).
NAVIGATION = (
    ("1 2 3 4, tab", "focus a pane"),
    ("j k, ↑ ↓", "move in a table"),
    ("g G", "first and last row"),
    ("/", "filter the focused pane by name as you type (escape clears)"),
    ("s", "cycle the focused pane's sort"),
    ("z", "maximize the focused pane (z again restores)"),
    ("y", "copy the selected row's name (OSC 52: works over SSH)"),
    ("enter", "open the selected row"),
    ("escape", "back"),
    ("ctrl+p", "the command palette: every action by name"),
    ("?", "this help (? or escape closes it)"),
    ("q", "quit (asks first while something runs)"),
)


def action_rows(read_only: bool) -> list[tuple[str, str, str]]:
    """(key, its headless twin, what it does) for every action."""
    rows = []
    for action in CONSOLE_ACTIONS:
        dim = " (dimmed: --read-only)" if action.writes and read_only else ""
        rows.append((action.key or "palette", action.headless or "—", action.help + dim))
    return rows


def help_lines() -> list[str]:
    """Moving about, then each pane's columns, marks and states."""
    lines = ["", "Moving about"]
    lines += [f"{key} — {what}" for key, what in NAVIGATION]
    for pane in (MigrationsPane, BudgetPane, MartsPane, QualityPane):
        lines += ["", f"Pane {pane.title}"]
        lines += [f"· {line}" for line in pane.legend]
    return lines


class HelpScreen(DrillDown[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("question_mark", "close", "Close help"),
        Binding("q", "close", "Close help", show=False),
    ]

    def __init__(self, read_only: bool = False) -> None:
        super().__init__("Help")
        self.read_only = read_only

    def body(self) -> Iterable[Widget]:
        table = ReadingTable(zebra_stripes=True)
        table.add_columns("key", "headless twin", "does")
        for row in action_rows(self.read_only):
            table.add_row(*row)
        with VerticalScroll():
            yield text_block(["Actions"], classes="drill-title")
            yield table
            yield text_block(help_lines())
