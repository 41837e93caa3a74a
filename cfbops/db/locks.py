"""One run at a time: a session advisory lock, polled with a deadline, naming its holder.

pg_try_advisory_lock never blocks, so waiting for it cannot deadlock with a concurrent
index build (a blocking pg_advisory_lock can, since CREATE INDEX CONCURRENTLY waits for
every older transaction, including one parked in the lock call).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

import psycopg

from cfbops.db.connect import ConnectionSettings, connect
from cfbops.errors import LockBusy

# Migrations and mart refreshes share one lock: a refresh never overlaps a migration.
OPERATIONS_LOCK = "cfbops.operations"
DEFAULT_WAIT_S = 60.0

HOLDER_SQL = """
SELECT a.pid, a.application_name, a.backend_start, a.state,
       extract(epoch FROM clock_timestamp() - a.backend_start)::float8
FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted
  AND l.classid = %(hi)s AND l.objid = %(lo)s AND l.objsubid = 1
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
LIMIT 1
"""


@dataclass(frozen=True, slots=True)
class LockHolder:
    pid: int
    application_name: str
    since: datetime | None
    state: str | None
    held_s: float | None = None  # how long its session has been up (it took the lock since)

    def describe(self) -> str:
        since = f" since {self.since:%Y-%m-%d %H:%M:%S %Z}".rstrip() if self.since else ""
        name = self.application_name or "unnamed client"
        how = ", ".join(
            part
            for part in (
                self.state or "",
                f"session up {self.held_s:.0f}s" if self.held_s is not None else "",
            )
            if part
        )
        return f"pid {self.pid} ({name}){since}" + (f" [{how}]" if how else "")


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a lock name."""
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_key_parts(name: str) -> tuple[int, int]:
    """The (classid, objid) pg_locks shows for the named lock (objsubid is 1)."""
    return _key_halves(lock_key(name))


def _key_halves(key: int) -> tuple[int, int]:
    unsigned = key & 0xFFFFFFFFFFFFFFFF
    return unsigned >> 32, unsigned & 0xFFFFFFFF


def lock_holder(conn: psycopg.Connection, name: str) -> LockHolder | None:
    """Who holds the named lock in this database, from pg_locks and pg_stat_activity."""
    hi, lo = _key_halves(lock_key(name))
    row = conn.execute(HOLDER_SQL, {"hi": hi, "lo": lo}).fetchone()
    if row is None:
        return None
    return LockHolder(
        pid=row[0], application_name=row[1] or "", since=row[2], state=row[3], held_s=row[4]
    )


def operations_lock_holder(settings: ConnectionSettings) -> LockHolder | None:
    """Who holds the operations lock now (read-only; None when it is free)."""
    with connect(settings, application_name="cfbops lock check") as conn:
        return lock_holder(conn, OPERATIONS_LOCK)


def try_lock(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (lock_key(name),)).fetchone()
    return bool(row and row[0])


def unlock(conn: psycopg.Connection, name: str) -> None:
    if not conn.closed:
        conn.execute("SELECT pg_advisory_unlock(%s)", (lock_key(name),))


@contextlib.contextmanager
def advisory_lock(
    conn: psycopg.Connection,
    name: str = OPERATIONS_LOCK,
    *,
    wait_s: float | None = DEFAULT_WAIT_S,
    on_wait: Callable[[LockHolder | None, float], None] | None = None,
    poll_s: float = 0.25,
) -> Iterator[None]:
    """Hold the named session lock on `conn` (autocommit) for the block.

    `wait_s=None` or 0 means do not wait. While waiting, `on_wait(holder, seconds_left)`
    is called about once a second. Raises LockBusy (exit 4) when the deadline passes.
    """
    deadline = time.monotonic() + (wait_s or 0.0)
    last_report = 0.0
    while not try_lock(conn, name):
        now = time.monotonic()
        holder = lock_holder(conn, name)
        if now >= deadline:
            who = holder.describe() if holder else "another session"
            waited = f" after waiting {wait_s:.0f}s" if wait_s else ""
            raise LockBusy(
                f"another run holds the {name} lock: {who}{waited}; "
                "try again later or pass --wait SECONDS"
            )
        if on_wait is not None and now - last_report >= 1.0:
            on_wait(holder, deadline - now)
            last_report = now
        time.sleep(min(poll_s, max(deadline - now, 0.0)))
    try:
        yield
    finally:
        with contextlib.suppress(psycopg.Error):
            unlock(conn, name)
