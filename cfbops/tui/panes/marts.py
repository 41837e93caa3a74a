"""The mart refresh pane: a timing table with stale and slower-than-usual marks."""

from __future__ import annotations

from cfbops.tui.data import ConsoleSnapshot
from cfbops.tui.panes.base import Pane, not_available


class MartsPane(Pane):
    title = "3 mart refresh"

    @property
    def selected_mart(self) -> str | None:
        """The highlighted mart's schema-qualified name."""
        return self.selected_key

    def show(self, snapshot: ConsoleSnapshot) -> None:
        section = snapshot.status.marts
        if section is None:
            self.summary.update(not_available("refresh"))
            return
        self.summary.update(str(section))
