"""The data quality pane: the last run's findings by severity, check, count, state and since."""

from __future__ import annotations

from cfbops.tui.data import ConsoleSnapshot
from cfbops.tui.panes.base import Pane, not_available
from cfbops.tui.panes.text import age, ago, count
from cfbops.tui.repaint import set_text

COLUMNS = ("sev", "check", "count", "state", "since")


class QualityPane(Pane):
    title = "4 data quality"
    columns = COLUMNS
    narrow_columns = ("sev", "count", "check")

    def show(self, snapshot: ConsoleSnapshot) -> None:
        section = snapshot.status.quality
        if section is None:
            self.show_unavailable(not_available("check"))
            return
        now = snapshot.taken_at
        if section.last_run_id is None:
            set_text(self.summary, "never checked (c runs the checks, or cfbops --headless check)")
        else:
            text = (
                f"run {section.last_run_id}, {ago(section.last_run_at, now)}: "
                f"{section.errors} errors, {section.warnings} warnings"
            )
            if section.not_run:
                text += f", {section.not_run} not run"
            set_text(self.summary, text)
        self.fill(
            (
                f.check,
                (
                    f.severity + (" (muted)" if f.muted else ""),
                    f.check,
                    count(f.count),
                    f.state or "—",
                    age(f.since, now) if f.since else "—",
                ),
            )
            for f in snapshot.findings
        )
