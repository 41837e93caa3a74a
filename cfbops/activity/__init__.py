"""What ran lately, from the `ops` history every run leaves: refresh runs, migration attempts
(applied or failed), backfill runs (their budget reservations) and check runs, newest first.
Read-only; a history table that does not exist yet contributes nothing."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

import psycopg

from cfbops.backfill.overview import backfill_overview
from cfbops.config import Settings
from cfbops.db.connect import connect, one_line_database_errors
from cfbops.queries import package_sql

DEFAULT_LIMIT = 12
# What each part reads: every table must exist for the part to be read.
SOURCES = {
    "refresh_runs": ("ops.refresh_run", "ops.mart_refresh"),
    "migrations": ("ops.schema_history",),
    "check_runs": ("ops.check_run", "ops.check_result"),
    "backfill_runs": ("ops.cfbd_reservations", "ops.backfill_jobs"),
}


@dataclass(frozen=True, slots=True)
class ActivityEntry:
    """One thing that ran: when it ended (or began, while it runs), what, and how it went."""

    at: datetime
    kind: str  # refresh, migrate, check, backfill
    summary: str
    ok: bool

    def line(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind:<8} {self.summary}"


def recent_activity(settings: Settings, limit: int = DEFAULT_LIMIT) -> tuple[ActivityEntry, ...]:
    """The latest `limit` entries of each kind, merged newest first."""
    reader = dataclasses.replace(settings, read_only=True)
    with (
        one_line_database_errors("cannot read the activity history"),
        connect(reader, application_name="cfbops activity") as conn,
    ):
        return activity_on(conn, limit)


def activity_on(conn: psycopg.Connection, limit: int = DEFAULT_LIMIT) -> tuple[ActivityEntry, ...]:
    readers = {
        "refresh_runs": _refresh_runs,
        "migrations": _migrations,
        "check_runs": _check_runs,
        "backfill_runs": _backfill_runs,
    }
    entries: list[ActivityEntry] = []
    for name, read in readers.items():
        if _tables_exist(conn, SOURCES[name]):
            rows = conn.execute(package_sql("cfbops.activity", name), {"limit": limit}).fetchall()
            entries += read(conn, rows)
    return tuple(sorted(entries, key=lambda e: e.at, reverse=True))


def _tables_exist(conn: psycopg.Connection, names: tuple[str, ...]) -> bool:
    row = conn.execute(
        "SELECT bool_and(to_regclass(name) IS NOT NULL) FROM unnest(%s::text[]) AS name",
        (list(names),),
    ).fetchone()
    return bool(row and row[0])


def _refresh_runs(conn: psycopg.Connection, rows: list[tuple]) -> list[ActivityEntry]:
    entries = []
    for at, run_id, status, wall_ms, planned, refreshed, failed, skipped, fresh in rows:
        counts = [
            f"{n} {word}"
            for n, word in ((refreshed, "refreshed"), (failed, "failed"), (skipped, "skipped"))
            if n
        ]
        if fresh:
            counts.append(f"{fresh} fresh")
        done = refreshed + failed + skipped
        if status in ("running", "cancelled", "interrupted", "abandoned") and planned:
            counts.insert(0, f"{done}/{planned} marts")
        took = f" in {wall_ms / 1000:.1f}s" if wall_ms is not None else ""
        text = f"run {run_id} {status}{took}"
        if counts:
            text += ": " + ", ".join(counts)
        entries.append(ActivityEntry(at, "refresh", text, status in ("succeeded", "running")))
    return entries


def _migrations(conn: psycopg.Connection, rows: list[tuple]) -> list[ActivityEntry]:
    entries = []
    for at, version, name, kind, success, duration_ms in rows:
        label = f"V{version}__{name}" if version else f"R__{name}"
        state = "applied" if success else "failed"
        entries.append(
            ActivityEntry(at, "migrate", f"{label} {state} ({kind}, {duration_ms} ms)", success)
        )
    return entries


def _check_runs(conn: psycopg.Connection, rows: list[tuple]) -> list[ActivityEntry]:
    entries = []
    for at, run_id, finished, wall_ms, errors, warnings, not_run in rows:
        took = f" in {wall_ms / 1000:.1f}s" if wall_ms is not None else ""
        text = f"run {run_id}{took}: {errors} errors, {warnings} warnings"
        if not_run:
            text += f", {not_run} not run"
        if not finished:
            text = f"run {run_id} did not finish"
        entries.append(ActivityEntry(at, "check", text, finished and not errors))
    return entries


def _backfill_runs(conn: psycopg.Connection, rows: list[tuple]) -> list[ActivityEntry]:
    jobs = {job.job: job for job in backfill_overview(conn).jobs}
    entries = []
    for at, holder, began, ended, calls in rows:
        job = jobs.get(holder)
        text = f"{holder}: {calls:,} calls, began {began:%H:%M:%S}"
        text += "" if ended else " (still holding budget)"
        if job is not None:
            text += f"; job now {job.done:,}/{job.total:,} {job.state}"
        entries.append(ActivityEntry(at, "backfill", text, job is None or job.failed == 0))
    return entries
