"""The migrations pane: applied, pending, drifted, failed; latest applied; lint state."""

from __future__ import annotations

from cfbops.tui.data import ConsoleSnapshot
from cfbops.tui.panes.base import Pane, not_available


class MigrationsPane(Pane):
    title = "1 migrations"

    @property
    def selected_migration(self) -> str | None:
        """The highlighted migration file's name (a drill-down shows its plan)."""
        return self.selected_key

    def show(self, snapshot: ConsoleSnapshot) -> None:
        section = snapshot.status.migrations
        if section is None:
            self.summary.update(not_available("migrate --plan"))
            return
        self.summary.update(str(section))
