"""The API budget pane (meter, reset countdown, calls per day) with the backfill jobs' progress
bars, rates and ETAs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import ProgressBar, Sparkline, Static

from cfbops.tui.data import ConsoleSnapshot
from cfbops.tui.panes.base import Pane, Row, not_available
from cfbops.tui.panes.text import bar, countdown, per_day, rate_and_eta
from cfbops.tui.repaint import set_text

# The state before the bar: at 120 columns the last column was cut off.
COLUMNS = ("job", "state", "done", "progress", "rate, ETA")


class BudgetPane(Pane):
    title = "2 API budget · backfill"
    columns = COLUMNS
    narrow_columns = ("job", "state", "done")
    sorts = ("as created", "most left", "name")
    legend = (
        "the meter: calls used of the month's limit, left, when it resets, burn rate",
        "calls/day: the last two weeks' calls a day",
        "job: a backfill (kind and seasons); state: pending, running, pausing, paused, done,"
        " failed",
        "done: items done of all (failed ones said); rate, ETA: while it runs; a stopped"
        " job keeps the rate it ended with",
        "b opens backfill control on the selected job; p pauses this console's run",
    )

    def compose_summary(self) -> ComposeResult:
        # No ETA from the widget: its clock is not the console's, and the core gives one.
        yield ProgressBar(total=1, show_eta=False, id="budget-meter")
        yield Static("loading…", classes="summary")
        yield Sparkline([], id="calls-per-day")
        yield Static("", id="calls-per-day-label")

    @property
    def selected_job(self) -> str | None:
        """The highlighted backfill job's name."""
        return self.selected_key

    def show(self, snapshot: ConsoleSnapshot) -> None:
        meter = snapshot.status.budget
        meter_bar = self.query_one("#budget-meter", ProgressBar)
        sparkline = self.query_one("#calls-per-day", Sparkline)
        label = self.query_one("#calls-per-day-label", Static)
        # A class, not `display`: an inline display would beat the short terminal's CSS.
        self.set_class(meter is None, "-no-meter")
        if meter is None:
            self.show_unavailable(not_available("migrate"))
            return
        meter_bar.update(total=max(meter.limit, 1), progress=meter.used)
        text = (
            f"{meter.used:,}/{meter.limit:,} used · {meter.remaining:,} left\n"
            f"resets {countdown(meter.resets_at, snapshot.taken_at)}"
            f" · {per_day(meter.burn_per_day)} · {meter.source}"
        )
        if meter.exhausted_on is not None:
            text += f" · runs out {meter.exhausted_on:%Y-%m-%d}"
        if meter.note:
            text += f"\n{meter.note}"
        days = snapshot.calls_per_day
        if days is not None:
            sparkline.data = list(days.counts)
            set_text(
                label,
                f"calls/day {days.first_day:%m-%d}…{days.last_day:%m-%d}"
                f" · {days.total:,} · peak {max(days.counts, default=0):,}",
            )
        backfill = snapshot.status.backfill
        if backfill is None or not backfill.jobs:
            # No invented rows: say what there is and how to start one.
            set_text(self.summary, text + ("\nno backfill jobs (b plans one)" if backfill else ""))
            self.show_unavailable_jobs()
            return
        set_text(self.summary, text)
        self.fill(
            Row(
                job.job,
                (
                    job.job,
                    job.state,
                    f"{job.done:,}/{job.total:,}"
                    + (f" ({job.failed} failed)" if job.failed else ""),
                    bar(job.done, job.total),
                    rate_and_eta(job.items_per_s, job.eta_s),
                ),
                (-job.left, job.job),
            )
            for job in backfill.jobs
        )

    def show_unavailable_jobs(self) -> None:
        if self.table.row_count:
            self.table.clear()
        self.table.display = False
