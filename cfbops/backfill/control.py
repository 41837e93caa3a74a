"""What the console's backfill control needs beside the runner: an estimate before a run
starts, and a pause that the runners obey."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cfbops.backfill.queue import KEPT_IN_HAND, Kind, job_name, pause_jobs
from cfbops.cfbd.ledger import month_figures
from cfbops.cfbd.months import month_of, now_utc
from cfbops.config import Settings
from cfbops.db.connect import connect, one_line_database_errors, require_writable
from cfbops.queries import package_sql


@dataclass(frozen=True, slots=True)
class BackfillEstimate:
    """What a run of one job would ask for, before it starts: one call per item (a game of
    more than 2,000 rows costs two more, and a run keeps those two in hand), against what
    the month has left and the cap."""

    job: str
    items: int
    calls_needed: int
    calls_left_this_month: int
    monthly_limit: int
    max_calls: int | None
    kept_in_hand: int = 0

    @property
    def calls_this_run(self) -> int:
        cap = self.calls_needed if self.max_calls is None else self.max_calls
        usable = min(self.calls_left_this_month, cap) - self.kept_in_hand
        return max(min(self.calls_needed, usable), 0)

    @property
    def items_left_after(self) -> int:
        return max(self.items - self.calls_this_run, 0)

    def __str__(self) -> str:
        if not self.items:
            return f"{self.job}: nothing to load"
        cap = f", --max-calls {self.max_calls:,}" if self.max_calls is not None else ""
        text = (
            f"{self.job}: {self.items:,} items need about {self.calls_needed:,} calls; "
            f"{self.calls_left_this_month:,} of {self.monthly_limit:,} left this month{cap}; "
            f"this run would make about {self.calls_this_run:,}"
        )
        if self.items_left_after:
            text += f" and leave {self.items_left_after:,} items for a later run"
        return text


def backfill_estimate(
    settings: Settings, kind: Kind, first: int, last: int, *, max_calls: int | None = None
) -> BackfillEstimate:
    """Read-only: the items a run of this range would take and the calls they cost."""
    with (
        one_line_database_errors("the backfill estimate could not be read"),
        connect(settings, application_name="cfbops backfill estimate") as conn,
    ):
        if kind is Kind.PLAY_STATS:
            row = conn.execute(
                package_sql("cfbops.backfill", "play_stats_to_load"), {"first": first, "last": last}
            ).fetchone()
            items = int(row[0]) if row else 0
        else:
            items = last - first + 1  # one call per season
        figures = month_figures(conn, month_of(now_utc()))
    return BackfillEstimate(
        job=job_name(kind, first, last),
        items=items,
        calls_needed=items,
        calls_left_this_month=figures.available,
        monthly_limit=figures.limit,
        max_calls=max_calls,
        kept_in_hand=KEPT_IN_HAND[kind],
    )


def pause_summary(paused: Sequence[str]) -> str:
    """One line: which jobs were paused, and what that means for their runners."""
    if not paused:
        return "no backfill is running; nothing to pause"
    return (
        f"paused {', '.join(paused)}: their runners finish the item in hand and stop "
        "(run the same backfill again to resume)"
    )


def pause_backfill(settings: Settings, jobs: Sequence[str] | None = None) -> tuple[str, ...]:
    """Pause the named jobs, or every job a runner is working on now; returns those paused.
    Their runners finish the items in hand and stop; running the job again resumes it."""
    require_writable(settings, "backfill pause")
    with (
        one_line_database_errors("the backfill could not be paused"),
        connect(settings, application_name="cfbops backfill pause") as conn,
    ):
        return pause_jobs(conn, jobs)


def suggested_seasons(settings: Settings) -> tuple[int, int] | None:
    """The seasons holding completed games without play stats (None: nothing to load)."""
    with (
        one_line_database_errors("the seasons to load could not be read"),
        connect(settings, application_name="cfbops backfill estimate") as conn,
    ):
        row = conn.execute(package_sql("cfbops.backfill", "seasons_to_load")).fetchone()
    if not row or row[0] is None:
        return None
    return int(row[0]), int(row[1])
