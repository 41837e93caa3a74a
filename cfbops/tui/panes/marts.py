"""The mart refresh pane: a timing table with stale and slower-than-usual marks and each mart's
recent durations as a sparkline."""

from __future__ import annotations

from cfbops.marts.models import MartResult
from cfbops.tui.data import ConsoleSnapshot
from cfbops.tui.panes.base import Pane, Row, not_available
from cfbops.tui.panes.text import ago, count, duration_ms, spark
from cfbops.tui.repaint import set_text

COLUMNS = ("mart", "!", "took", "recent", "last refresh", "rows", "mode", "status")
# The marks column: S stale (inputs changed since), ▲ slower than usual (over 2x its median).
STALE_MARK = "S"
SLOW_MARK = "▲"


class MartsPane(Pane):
    title = "3 mart refresh"
    columns = COLUMNS
    narrow_columns = ("mart", "!", "took")
    sorts = ("refresh order", "slowest first", "stale first", "name")
    legend = (
        "mart: the materialized view (schema marts unless named)",
        f"!: marks — {STALE_MARK} stale (its inputs changed since its last refresh),"
        f" {SLOW_MARK} slower than usual (over twice its median)",
        "took: its last refresh; recent: its last durations, oldest first",
        "last refresh, rows, mode (concurrent or plain) and status of the last run",
        "states: refreshed, failed, skipped (an upstream mart failed), fresh (nothing changed)",
        "r/d on a mart's screen refresh it, or it and its descendants",
    )

    @property
    def selected_mart(self) -> str | None:
        """The highlighted mart's schema-qualified name."""
        return self.selected_key

    def show(self, snapshot: ConsoleSnapshot) -> None:
        section = snapshot.status.marts
        if section is None:
            self.show_unavailable(not_available("refresh"))
            return
        now = snapshot.taken_at
        summary = f"{len(section.states)} marts · {len(section.stale)} stale"
        if section.regressions:
            summary += f" · {len(section.regressions)} slower than usual"
        run = section.last_run
        if section.running is not None:
            summary += f"\nrefreshing now: {section.running.describe()}"
        elif run is not None:
            summary += f"\nlast run {run.run_id} {run.status} {ago(run.finished_at, now)}"
        else:
            summary += "\nnever refreshed by cfbops (r refreshes stale marts)"
        set_text(self.summary, summary)
        last: dict[str, MartResult] = {v.name: v for v in run.views} if run else {}
        rows = []
        for state in section.states:
            result = last.get(state.name)
            marks = (STALE_MARK if state.stale else " ") + (SLOW_MARK if state.regression else " ")
            durations = snapshot.mart_durations.get(state.name)
            rows.append(
                Row(
                    state.name,
                    (
                        state.name.removeprefix("marts."),
                        marks,
                        duration_ms(state.last_duration_ms),
                        spark(durations.durations_ms) if durations else "",
                        ago(state.last_refreshed_at, now),
                        count(state.last_rows),
                        result.mode.value if result and result.mode else "—",
                        result.status.value if result else "—",
                    ),
                    (
                        -(state.last_duration_ms or 0.0),
                        (not state.stale, state.name),
                        state.name,
                    ),
                )
            )
        self.fill(rows)
