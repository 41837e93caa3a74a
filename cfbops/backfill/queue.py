"""Backfill jobs and their items, a queue persisted in `ops`: planned once, taken one at a
time by any number of workers, and given back when a worker's session dies.

An item is a game (a season for havoc) whatever job names it: jobs of overlapping ranges
share the game's one row, so no game is fetched twice by runners working at once."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg

from cfbops.queries import package_sql


class Kind(enum.StrEnum):
    PLAY_STATS = "play-stats"
    HAVOC = "havoc"


PLAN_QUERY = {Kind.PLAY_STATS: "plan_play_stats", Kind.HAVOC: "plan_havoc"}
# Calls a run keeps in hand beyond its claims: a game's answer at the 2,000-row cap costs
# two more (its per-team split), so a truncated last game can always finish.
KEPT_IN_HAND = {Kind.PLAY_STATS: 2, Kind.HAVOC: 0}


def _sql(name: str) -> str:
    return package_sql("cfbops.backfill", name)


def job_name(kind: Kind | str, first: int, last: int) -> str:
    """A job as people name it: `play-stats 2024`, `havoc 2014-2024` (pause_jobs.sql spells
    it the same way)."""
    return f"{kind} {first}" if first == last else f"{kind} {first}-{last}"


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: Kind
    first_season: int
    last_season: int

    @property
    def name(self) -> str:
        return job_name(self.kind, self.first_season, self.last_season)

    @property
    def range(self) -> dict[str, object]:
        """The parameters naming this job's items."""
        return {"kind": self.kind.value, "first": self.first_season, "last": self.last_season}


@dataclass(frozen=True, slots=True)
class Item:
    kind: Kind
    key: int
    season: int


def plan_job(conn: psycopg.Connection, kind: Kind, first: int, last: int) -> Job:
    """The job for this range (created the first time, resumed if paused), its items
    planned; failed items that may succeed on another try are put back in the queue."""
    with conn.transaction():
        (job_id,) = conn.execute(_sql("plan_job"), (kind.value, first, last)).fetchone()  # type: ignore[misc]
        job = Job(job_id, kind, first, last)
        conn.execute(_sql(PLAN_QUERY[kind]), {"job": job_id, "first": first, "last": last})
        conn.execute(_sql("retry_failed"), job.range)
    return job


def items_to_do(conn: psycopg.Connection, job: Job) -> int:
    (count,) = conn.execute(_sql("items_to_do"), job.range).fetchone()  # type: ignore[misc]
    return count


def claim_and_book(
    conn: psycopg.Connection,
    job: Job,
    *,
    reservation: int,
    spare: int,
    endpoint: str,
    param: str,
) -> tuple[Item, int | None] | None:
    """Claim the next item and book its first call (`endpoint` with `param` = the item's
    key), leaving `spare` calls of the block in hand: the item and the call's ledger id
    (None when the block ran out meanwhile), or None when there is nothing to claim."""
    row = conn.execute(
        _sql("claim_and_book"),
        {
            **job.range,
            "job": job.id,
            "reservation": reservation,
            "spare": spare,
            "endpoint": endpoint,
            "param": param,
        },
    ).fetchone()
    return (Item(job.kind, row[0], row[1]), row[2]) if row else None


def finished(item: Item, *, calls: int, rows: int) -> tuple[str, tuple[object, ...]]:
    """The statement marking the item done, to run with the one that writes its rows."""
    return _sql("finish"), (calls, rows, item.kind.value, item.key)


def fail_item(
    conn: psycopg.Connection, item: Item, reason: str, *, calls: int, retryable: bool
) -> None:
    conn.execute(_sql("fail_item"), (reason[:500], retryable, calls, item.kind.value, item.key))


def give_back(
    conn: psycopg.Connection, item: Item, *, calls: int, reason: str | None = None
) -> None:
    """The run stopped before this item was done: it waits for the next run (with why it
    was given back, when that says something the next run should know)."""
    conn.execute(_sql("give_back"), (calls, reason and reason[:500], item.kind.value, item.key))


def give_back_sessions(
    conn: psycopg.Connection, kind: Kind, backend_pids: Sequence[int], reservation: int
) -> None:
    """Items still held by these worker sessions go back to pending, and the calls they
    left in flight are closed (a run stopping without waiting for a request that hangs).
    The sessions are ended first: a claim one of them has in hand cannot commit after."""
    conn.execute(_sql("end_worker_sessions"), {"pids": list(backend_pids)})
    with conn.transaction():
        conn.execute(_sql("give_back_sessions"), {"kind": kind.value, "pids": list(backend_pids)})
        conn.execute(_sql("close_interrupted_calls"), {"reservation": reservation})


def pause_jobs(conn: psycopg.Connection, names: Sequence[str] | None = None) -> tuple[str, ...]:
    """Pause the named jobs (`play-stats 2024`, as `Job.name`), or with no names every job a
    live runner is working on; their runners stop claiming items. Returns the jobs paused."""
    rows = conn.execute(
        _sql("pause_jobs"), {"names": None if names is None else list(names)}
    ).fetchall()
    return tuple(sorted(name for (name,) in rows))


def job_paused(conn: psycopg.Connection, job: Job) -> bool:
    row = conn.execute(
        "SELECT paused_at IS NOT NULL FROM ops.backfill_jobs WHERE id = %s", (job.id,)
    ).fetchone()
    return bool(row and row[0])
