"""The API budget pane (meter, reset countdown, calls per day) with the backfill progress bars."""

from __future__ import annotations

from cfbops.tui.data import ConsoleSnapshot
from cfbops.tui.panes.base import Pane, not_available


class BudgetPane(Pane):
    title = "2 API budget · backfill"

    @property
    def selected_job(self) -> str | None:
        """The highlighted backfill job's name."""
        return self.selected_key

    def show(self, snapshot: ConsoleSnapshot) -> None:
        section = snapshot.status.budget
        if section is None:
            self.summary.update(not_available("budget"))
            return
        self.summary.update(str(section))
