"""Backfill jobs as `backfill status`, `status` and the console show them."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from cfbops.backfill.queue import job_name
from cfbops.queries import package_sql

# Rates come from items finished in this window, so an old job's ETA is not from last month.
RATE_WINDOW = "15 minutes"


@dataclass(frozen=True, slots=True)
class JobProgress:
    job: str
    total: int
    done: int
    failed: int
    running: int
    calls_used: int
    rows_written: int
    items_per_s: float | None
    rows_per_s: float | None
    paused: bool = False

    @property
    def left(self) -> int:
        return self.total - self.done - self.failed

    @property
    def state(self) -> str:
        if self.left == 0:
            return "running" if self.running else "failed" if self.failed else "done"
        if self.paused:
            # Its runners finish the items in hand and claim no more.
            return "pausing" if self.running else "paused"
        return "running" if self.running else "pending"

    @property
    def eta_s(self) -> float | None:
        if not self.running or not self.items_per_s:
            return None
        return self.left / self.items_per_s

    def as_dict(self) -> dict[str, object]:
        return {
            "job": self.job,
            "total": self.total,
            "done": self.done,
            "failed": self.failed,
            "running": self.running,
            "left": self.left,
            "calls_used": self.calls_used,
            "rows_written": self.rows_written,
            "state": self.state,
            "rows_per_s": None if self.rows_per_s is None else round(self.rows_per_s, 1),
            "eta_s": None if self.eta_s is None else round(self.eta_s),
        }


@dataclass(frozen=True, slots=True)
class BackfillOverview:
    jobs: tuple[JobProgress, ...]

    def as_dict(self) -> dict[str, object]:
        return {"jobs": [job.as_dict() for job in self.jobs]}

    def __str__(self) -> str:
        if not self.jobs:
            return "no backfill jobs"
        return "; ".join(
            f"{j.job}: {j.done}/{j.total} done, {j.failed} failed ({j.state})" for j in self.jobs
        )


def backfill_overview(conn: psycopg.Connection) -> BackfillOverview:
    jobs = []
    for row in conn.execute(package_sql("cfbops.backfill", "jobs"), {"window": RATE_WINDOW}):
        _, kind, first, last, paused, total, done, failed, running, calls, rows = row[:11]
        recent, rrows, secs = row[11:]
        name = job_name(kind, first, last)
        rate = recent / secs if recent > 1 and secs else None
        row_rate = rrows / secs if recent > 1 and secs else None
        jobs.append(
            JobProgress(
                name, total, done, failed, running, calls, rows, rate, row_rate, paused=paused
            )
        )
    return BackfillOverview(tuple(jobs))
