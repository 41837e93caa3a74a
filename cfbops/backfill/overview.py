"""Backfill jobs as `backfill status`, `status` and the console show them."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

# Rates come from items finished in this window, so an old job's ETA is not from last month.
RATE_WINDOW = "15 minutes"

# A running job's rate is measured up to now, so a stall shows; a stopped one's up to its
# last finished item, so it keeps the rate it ended with instead of one decaying for ever.
JOBS_SQL = f"""
WITH items AS (
    SELECT i.*, i.state = 'running' AND EXISTS (
               SELECT 1 FROM pg_stat_activity AS a
               WHERE a.pid = i.backend_pid AND a.backend_start = i.backend_start) AS live
    FROM ops.backfill_items AS i
), rate_end AS (
    SELECT job_id, CASE WHEN bool_or(live) THEN now() ELSE max(finished_at) END AS at
    FROM items GROUP BY job_id
)
SELECT j.id, j.kind, j.first_season, j.last_season,
       -- through to_jsonb: a database migrated before V0295 has no paused_at, and no pause.
       (to_jsonb(j) ->> 'paused_at') IS NOT NULL AS paused,
       count(i.item_key)::int AS total,
       count(*) FILTER (WHERE i.state = 'done')::int AS done,
       count(*) FILTER (WHERE i.state = 'failed')::int AS failed,
       count(*) FILTER (WHERE i.live)::int AS running,
       coalesce(sum(i.calls_used), 0)::int AS calls_used,
       coalesce(sum(i.rows_written), 0)::int AS rows_written,
       count(*) FILTER (WHERE i.finished_at > e.at - interval '{RATE_WINDOW}')::int AS recent,
       coalesce(sum(i.rows_written)
           FILTER (WHERE i.finished_at > e.at - interval '{RATE_WINDOW}'), 0)::int AS recent_rows,
       extract(epoch FROM e.at - min(i.finished_at)
           FILTER (WHERE i.finished_at > e.at - interval '{RATE_WINDOW}'))::float AS recent_s
FROM ops.backfill_jobs AS j
LEFT JOIN items AS i ON i.job_id = j.id
LEFT JOIN rate_end AS e ON e.job_id = j.id
GROUP BY j.id, e.at
ORDER BY j.id
"""


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
    for row in conn.execute(JOBS_SQL):
        _, kind, first, last, paused, total, done, failed, running, calls, rows = row[:11]
        recent, rrows, secs = row[11:]
        name = f"{kind} {first}" if first == last else f"{kind} {first}-{last}"
        rate = recent / secs if recent > 1 and secs else None
        row_rate = rrows / secs if recent > 1 and secs else None
        jobs.append(
            JobProgress(
                name, total, done, failed, running, calls, rows, rate, row_rate, paused=paused
            )
        )
    return BackfillOverview(tuple(jobs))
