"""The activity: every action of this session with its steps and outcome, then the last runs
the ops history holds (refreshes, migrations, backfills, checks), so a restart loses nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget

from cfbops.activity import ActivityEntry
from cfbops.tui.screens.base import DrillDown, text_block


class ActivityScreen(DrillDown[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("L", "close", "Back", show=False),
    ]

    def __init__(self, session: Sequence[str], history: Sequence[ActivityEntry] | None) -> None:
        super().__init__("Activity")
        self.session = tuple(session)
        self.history = history

    def body(self) -> Iterable[Widget]:
        session = list(self.session) or ["nothing run from this console yet"]
        if self.history is None:
            history = ["the history could not be read (see the notification)"]
        else:
            history = [("  " if e.ok else "✗ ") + e.line() for e in self.history] or [
                "nothing in the ops history yet"
            ]
        with VerticalScroll():
            yield text_block(["This session (oldest first)"], classes="drill-title")
            yield text_block(session)
            yield text_block(
                ["", "Last runs, from the ops history (newest first; ✗ failed or stopped)"],
                classes="drill-title",
            )
            yield text_block(history)
