"""The data quality pane: findings by severity, check, count, state and since."""

from __future__ import annotations

from cfbops.tui.data import ConsoleSnapshot
from cfbops.tui.panes.base import Pane, not_available


class QualityPane(Pane):
    title = "4 data quality"

    @property
    def selected_check(self) -> str | None:
        """The highlighted finding's check name."""
        return self.selected_key

    def show(self, snapshot: ConsoleSnapshot) -> None:
        section = snapshot.status.quality
        if section is None:
            self.summary.update(not_available("check"))
            return
        self.summary.update(str(section))
