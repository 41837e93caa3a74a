"""Which refresh runs are alive: a 'running' run is alive only while its session holds the
operations lock, so a run killed mid-way (kill -9, a lost host) reads as abandoned at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg

from cfbops.db.locks import OPERATIONS_LOCK, lock_key_parts
from cfbops.marts.history import FinishedRun, history_exists, run_views
from cfbops.queries import package_sql

# A run is dead when it says 'running' but its backend no longer holds the lock. The pid is
# read through to_jsonb so that a history older than the pid column still reads (as dead).
_DEAD = """
r.status = 'running' AND NOT EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted
      AND l.pid = (to_jsonb(r) ->> 'pid')::int
      AND l.classid = %(hi)s AND l.objid = %(lo)s AND l.objsubid = 1
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))
"""

MARK_DEAD_SQL = f"""
UPDATE ops.refresh_run r
SET status = 'abandoned', finished_at = clock_timestamp()
WHERE {_DEAD}
"""

# The last run that ended by itself, and every run after it (running, dead or abandoned),
# with how many marts each planned (read through to_jsonb: null before V0296) and settled.
RECENT_RUNS_SQL = f"""
SELECT r.run_id, r.started_at, r.finished_at, r.status, r.client,
       (to_jsonb(r) ->> 'pid')::int AS pid, {_DEAD} AS dead, clock_timestamp(),
       (to_jsonb(r) ->> 'planned')::int AS planned,
       (SELECT count(*) FROM ops.mart_refresh m
        WHERE m.run_id = r.run_id AND m.status <> 'fresh')::int AS settled
FROM ops.refresh_run r
WHERE r.run_id >= (
    SELECT coalesce(max(run_id), 0) FROM ops.refresh_run
    WHERE status IN ('succeeded', 'failed', 'interrupted'))
ORDER BY r.run_id DESC
"""


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One refresh run as it stands now; a dead one already reads as abandoned."""

    run_id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    client: str | None
    pid: int | None
    planned: int | None = None  # marts the run set out to refresh (unknown before V0296)
    settled: int = 0  # of them, refreshed, failed or skipped so far
    refreshing: tuple[str, ...] = ()  # the marts its workers have in hand now

    def describe(self) -> str:
        who = f" by {self.client}" if self.client else ""
        pid = f" (pid {self.pid})" if self.pid else ""
        text = f"run {self.run_id}{who}{pid} since {self.started_at:%Y-%m-%d %H:%M:%S}"
        if self.status != "running":
            return text
        if self.planned is not None:
            text += f", {self.settled}/{self.planned} marts"
        if self.refreshing:
            text += ", refreshing " + ", ".join(self.refreshing)
        return text


@dataclass(frozen=True, slots=True)
class RecentRuns:
    """The last run that ended (whatever its outcome), the live one, and the dead since."""

    last: FinishedRun | None
    running: RunRecord | None
    abandoned: tuple[RunRecord, ...]


def mark_dead_runs(conn: psycopg.Connection) -> int:
    """Mark every dead run abandoned, with the time it was found; how many there were.

    Safe at any time: a live run's session holds the lock, so it is never touched.
    """
    if not history_exists(conn):
        return 0
    hi, lo = lock_key_parts(OPERATIONS_LOCK)
    return conn.execute(MARK_DEAD_SQL, {"hi": hi, "lo": lo}).rowcount


def recent_runs(conn: psycopg.Connection) -> RecentRuns:
    """Read-only: a dead run reads as abandoned; only the next writer (a refresh) marks it."""
    if not history_exists(conn):
        return RecentRuns(None, None, ())
    hi, lo = lock_key_parts(OPERATIONS_LOCK)
    records: list[RunRecord] = []
    for run_id, started, finished, status, client, pid, dead, now, planned, settled in conn.execute(
        RECENT_RUNS_SQL, {"hi": hi, "lo": lo}
    ):
        if dead:
            status, finished = "abandoned", finished or now
        refreshing: tuple[str, ...] = ()
        if status == "running":
            marts = conn.execute(package_sql("cfbops.marts", "refreshing_marts"))
            refreshing = tuple(row[0] for row in marts if row[0])
        records.append(
            RunRecord(run_id, status, started, finished, client, pid, planned, settled, refreshing)
        )
    ended = next((r for r in records if r.status != "running"), None)
    last = None
    if ended is not None:
        last = FinishedRun(
            ended.run_id, ended.finished_at, ended.status, run_views(conn, ended.run_id)
        )
    running = next((r for r in records if r.status == "running"), None)
    abandoned = tuple(r for r in records if r.status == "abandoned")
    return RecentRuns(last, running, abandoned)
