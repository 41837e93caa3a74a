"""The data quality pane: the last run's findings by severity, check, count, state and since."""

from __future__ import annotations

from cfbops.tui.data import ConsoleSnapshot
from cfbops.tui.panes.base import Pane, Row, not_available
from cfbops.tui.panes.text import age, ago, count
from cfbops.tui.repaint import set_text

COLUMNS = ("sev", "check", "count", "state", "since")


class QualityPane(Pane):
    title = "4 data quality"
    columns = COLUMNS
    narrow_columns = ("check", "sev", "count")
    sorts = ("severity", "largest count", "newest", "name")
    legend = (
        "sev: error, warn or info; (muted) while a mute stands (m/u on the finding's screen)",
        "check: the check's name; count: the rows it found",
        "state: new (first seen this run), open (seen before), resolved (gone this run)",
        "since: how long the finding has stood",
    )

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
                f"run {section.last_run_id}, {ago(section.last_run_at, now)}\n"
                f"{section.errors} errors, {section.warnings} warnings"
            )
            if section.not_run:
                text += f", {section.not_run} not run"
            set_text(self.summary, text)
        self.fill(
            Row(
                f.check,
                (
                    f.severity + (" (muted)" if f.muted else ""),
                    f.check,
                    count(f.count),
                    f.state or "—",
                    age(f.since, now) if f.since else "—",
                ),
                (-(f.count or 0), -(f.since.timestamp() if f.since else 0.0), f.check),
            )
            for f in snapshot.findings
        )
