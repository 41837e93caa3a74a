"""Backfill jobs and their items, a queue persisted in `ops`: planned once, taken one at a
time by any number of workers, and given back when a worker's session dies."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg


class Kind(enum.StrEnum):
    PLAY_STATS = "play-stats"
    HAVOC = "havoc"


# One item per completed game lacking play stats, or per season for havoc.
PLAN_SQL = {
    Kind.PLAY_STATS: """
        INSERT INTO ops.backfill_items (job_id, item_key, season)
        SELECT %(job)s, g.id, g.season
        FROM core.games AS g
        WHERE g.completed AND g.season BETWEEN %(first)s AND %(last)s
          AND NOT EXISTS (SELECT 1 FROM stats.play_stats AS ps WHERE ps.game_id = g.id)
        ON CONFLICT (job_id, item_key) DO NOTHING
    """,
    Kind.HAVOC: """
        INSERT INTO ops.backfill_items (job_id, item_key, season)
        SELECT %(job)s, s, s FROM generate_series(%(first)s::int, %(last)s::int) AS s
        ON CONFLICT (job_id, item_key) DO UPDATE SET state = 'pending', reason = NULL
        WHERE ops.backfill_items.state <> 'running'
    """,
}

# A running item whose session is gone (kill -9) is free to take again. The activity of one
# backend by its pid, not the whole pg_stat_activity view: claims run once per game.
_ORPHANED = """
    c.state = 'running' AND NOT EXISTS (
        SELECT 1 FROM pg_stat_get_activity(c.backend_pid) AS a
        WHERE a.backend_start = c.backend_start)
"""

CLAIM_SQL = f"""
UPDATE ops.backfill_items AS i
SET state = 'running', attempts = i.attempts + 1, reason = NULL,
    backend_pid = me.pid, backend_start = me.backend_start
FROM pg_stat_get_activity(pg_backend_pid()) AS me
WHERE (i.job_id, i.item_key) = (
    SELECT c.job_id, c.item_key FROM ops.backfill_items AS c
    WHERE c.job_id = %(job)s AND (c.state = 'pending' OR ({_ORPHANED}))
      AND NOT EXISTS (
          SELECT 1 FROM ops.backfill_jobs AS j WHERE j.id = c.job_id AND j.paused_at IS NOT NULL)
    ORDER BY c.season DESC, c.item_key
    LIMIT 1
    FOR UPDATE OF c SKIP LOCKED)
RETURNING i.item_key, i.season
"""


JOB_NAME_SQL = """
j.kind || ' ' || CASE WHEN j.first_season = j.last_season THEN j.first_season::text
                      ELSE j.first_season || '-' || j.last_season END
"""

PAUSE_SQL = f"""
UPDATE ops.backfill_jobs AS j SET paused_at = now(), updated_at = now()
WHERE j.paused_at IS NULL
  AND CASE WHEN %(names)s::text[] IS NULL
           THEN EXISTS (SELECT 1 FROM ops.backfill_items AS c
                        WHERE c.job_id = j.id AND c.state = 'running' AND NOT ({_ORPHANED}))
           ELSE ({JOB_NAME_SQL}) = ANY(%(names)s::text[]) END
RETURNING {JOB_NAME_SQL}
"""


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: Kind
    first_season: int
    last_season: int

    @property
    def name(self) -> str:
        if self.first_season == self.last_season:
            return f"{self.kind} {self.first_season}"
        return f"{self.kind} {self.first_season}-{self.last_season}"


@dataclass(frozen=True, slots=True)
class Item:
    job_id: int
    key: int
    season: int


def plan_job(conn: psycopg.Connection, kind: Kind, first: int, last: int) -> Job:
    """The job for this range (created the first time, resumed if paused), its items
    planned; failed items that may succeed on another try are put back in the queue."""
    with conn.transaction():
        (job_id,) = conn.execute(
            """
            INSERT INTO ops.backfill_jobs (kind, first_season, last_season)
            VALUES (%s, %s, %s)
            ON CONFLICT (kind, first_season, last_season)
            DO UPDATE SET updated_at = now(), paused_at = NULL
            RETURNING id
            """,
            (kind.value, first, last),
        ).fetchone()  # type: ignore[misc]
        conn.execute(PLAN_SQL[kind], {"job": job_id, "first": first, "last": last})
        conn.execute(
            "UPDATE ops.backfill_items SET state = 'pending'"
            " WHERE job_id = %s AND state = 'failed' AND retryable",
            (job_id,),
        )
    return Job(job_id, kind, first, last)


def items_to_do(conn: psycopg.Connection, job: Job) -> int:
    (count,) = conn.execute(
        f"SELECT count(*) FROM ops.backfill_items AS c WHERE c.job_id = %(job)s"
        f" AND (c.state = 'pending' OR ({_ORPHANED}))",
        {"job": job.id},
    ).fetchone()  # type: ignore[misc]
    return count


# The claim and the booking of the item's first call, in one statement: a call taken from
# the block (%(reservation)s) only when an item was claimed, and its ledger row opened.
# No row: nothing left to claim; a NULL call: the block is spent (the item is claimed).
CLAIM_AND_BOOK_SQL = f"""
WITH claimed AS ({CLAIM_SQL}),
booked AS (
    UPDATE ops.cfbd_reservations SET spent = spent + 1
    WHERE id = %(reservation)s AND spent < granted AND released_at IS NULL
      AND EXISTS (SELECT FROM claimed)
    RETURNING id),
opened AS (
    INSERT INTO ops.cfbd_calls (reservation_id, endpoint, params, metered)
    SELECT booked.id, %(endpoint)s, jsonb_build_object(%(param)s::text, claimed.item_key), true
    FROM booked, claimed
    RETURNING id)
SELECT claimed.item_key, claimed.season, (SELECT id FROM opened) FROM claimed
"""


def claim_and_book(
    conn: psycopg.Connection, job: Job, *, reservation: int, endpoint: str, param: str
) -> tuple[Item, int | None] | None:
    """Claim the next item and book its first call (`endpoint` with `param` = the item's
    key): the item and the call's ledger id (None when the block is spent), or None."""
    row = conn.execute(
        CLAIM_AND_BOOK_SQL,
        {"job": job.id, "reservation": reservation, "endpoint": endpoint, "param": param},
    ).fetchone()
    return (Item(job.id, row[0], row[1]), row[2]) if row else None


FINISH_SQL = """
UPDATE ops.backfill_items
SET state = 'done', calls_used = calls_used + %s, rows_written = %s, finished_at = now(),
    backend_pid = NULL
WHERE job_id = %s AND item_key = %s
"""


def finished(item: Item, *, calls: int, rows: int) -> tuple[str, tuple[int, ...]]:
    """The statement marking the item done, to run with the one that writes its rows."""
    return FINISH_SQL, (calls, rows, item.job_id, item.key)


def fail_item(
    conn: psycopg.Connection, item: Item, reason: str, *, calls: int, retryable: bool
) -> None:
    conn.execute(
        "UPDATE ops.backfill_items SET state = 'failed', reason = %s, retryable = %s,"
        " calls_used = calls_used + %s, finished_at = now(), backend_pid = NULL"
        " WHERE job_id = %s AND item_key = %s",
        (reason[:500], retryable, calls, item.job_id, item.key),
    )


def give_back(conn: psycopg.Connection, item: Item, *, calls: int) -> None:
    """The run stopped before this item was done: it waits for the next run."""
    conn.execute(
        "UPDATE ops.backfill_items SET state = 'pending', calls_used = calls_used + %s,"
        " backend_pid = NULL WHERE job_id = %s AND item_key = %s",
        (calls, item.job_id, item.key),
    )


def pause_jobs(conn: psycopg.Connection, names: Sequence[str] | None = None) -> tuple[str, ...]:
    """Pause the named jobs (`play-stats 2024`, as `Job.name`), or with no names every job a
    live runner is working on; their runners stop claiming items. Returns the jobs paused."""
    rows = conn.execute(PAUSE_SQL, {"names": None if names is None else list(names)}).fetchall()
    return tuple(sorted(name for (name,) in rows))


def job_paused(conn: psycopg.Connection, job: Job) -> bool:
    row = conn.execute(
        "SELECT paused_at IS NOT NULL FROM ops.backfill_jobs WHERE id = %s", (job.id,)
    ).fetchone()
    return bool(row and row[0])
