"""Who keeps a migration waiting: pg_blocking_pids of the engine's backend, sampled on the side.

A statement that gives up after a short lock_timeout no longer waits, so by then
pg_blocking_pids has nothing to say; a watcher on its own connection samples it while the
engine's statements wait for a lock.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

import psycopg

from cfbops.config import Settings
from cfbops.db.autovacuum import AUTOVACUUM_WORKER
from cfbops.db.connect import connect, resolve_target
from cfbops.db.urls import scrub, secrets_of
from cfbops.errors import CfbopsError

# Lock waits happen as a statement starts (DDL takes its locks first); look closely then,
# and only now and then while a long statement works.
FAST_POLL_S = 0.01
FAST_WINDOW_S = 1.0
SLOW_POLL_S = 0.5

# pg_blocking_pids needs the lock manager's shared state; ask only while the engine waits.
WAITING_SQL = "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s"
BLOCKERS_SQL = """
SELECT a.pid, coalesce(a.application_name, ''), a.state,
       extract(epoch FROM clock_timestamp() - a.xact_start)::float8,
       a.query_start, left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 80),
       a.backend_type
FROM unnest(pg_blocking_pids(%s)) AS b(pid)
JOIN pg_stat_activity a ON a.pid = b.pid
ORDER BY a.xact_start NULLS LAST
"""

# After a try gave up (too quickly for the sampler, on a busy machine): the sessions that
# hold, on the statement's tables, a lock mode that conflicts with the one it needs.
HOLDERS_SQL = """
SELECT DISTINCT ON (a.pid) a.pid, coalesce(a.application_name, ''), a.state,
       extract(epoch FROM clock_timestamp() - a.xact_start)::float8,
       a.query_start, left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 80),
       a.backend_type
FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.granted AND l.locktype = 'relation' AND l.pid <> %(engine)s
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.relation = ANY(%(relations)s::regclass[]) AND l.mode = ANY(%(modes)s)
ORDER BY a.pid
"""

# PostgreSQL's table-lock conflicts ("Explicit Locking"), weakest mode first.
_MODES = (
    "AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock",
    "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock",
)  # fmt: skip
_CONFLICTS = {
    0: {7},
    1: {6, 7},
    2: {4, 5, 6, 7},
    3: {3, 4, 5, 6, 7},
    4: {2, 3, 5, 6, 7},
    5: {2, 3, 4, 5, 6, 7},
    6: {1, 2, 3, 4, 5, 6, 7},
    7: {0, 1, 2, 3, 4, 5, 6, 7},
}


def conflicting_modes(level: str) -> list[str]:
    """pg_locks mode names that conflict with a level written as `SHARE ROW EXCLUSIVE`."""
    wanted = level.title().replace(" ", "") + "Lock"
    if wanted not in _MODES:
        return list(_MODES)
    return [_MODES[i] for i in sorted(_CONFLICTS[_MODES.index(wanted)])]


@dataclass(frozen=True, slots=True)
class Blocker:
    """A session holding a lock the engine waited for."""

    pid: int
    application_name: str
    state: str | None
    transaction_age_s: float | None
    query_start: datetime | None
    query: str
    backend_type: str = "client backend"

    @property
    def is_autovacuum(self) -> bool:
        return self.backend_type == AUTOVACUUM_WORKER

    def describe(self) -> str:
        unnamed = AUTOVACUUM_WORKER if self.is_autovacuum else "unnamed client"
        who = self.application_name or unnamed
        parts = [who, self.state or "state unknown"]
        if self.transaction_age_s is not None:
            parts.append(f"transaction open {self.transaction_age_s:.1f}s")
        if self.query_start is not None:
            parts.append(f"query started {self.query_start:%H:%M:%S}")
        text = f"pid {self.pid} ({', '.join(parts)})"
        return f"{text}: {self.query}" if self.query else text

    def as_dict(self) -> dict[str, object]:
        return {
            "pid": self.pid,
            "application_name": self.application_name,
            "state": self.state,
            "transaction_age_s": self.transaction_age_s,
            "query_start": self.query_start.isoformat() if self.query_start else None,
            "query": self.query,
        }


def blocking_sessions(
    conn: psycopg.Connection, pid: int, secrets: tuple[str, ...] = ()
) -> tuple[Blocker, ...]:
    """The sessions backend `pid` is waiting for right now (none when it is not waiting).

    Their query text is shown, so the database password is scrubbed from it (an
    `ALTER ROLE … PASSWORD` in the way must not print it)."""
    row = conn.execute(WAITING_SQL, (pid,)).fetchone()
    if not row or not row[0]:
        return ()
    rows = conn.execute(BLOCKERS_SQL, (pid,)).fetchall()
    return tuple(Blocker(*r[:5], scrub(r[5], *secrets), r[6]) for r in rows)


class BlockerWatch:
    """Samples the blockers of one backend from a thread with its own connection."""

    def __init__(self, settings: Settings, pid: int) -> None:
        self._settings, self._pid = settings, pid
        self._seen: dict[int, Blocker] = {}
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._statement_started = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="blocker watch", daemon=True)
        self._conn: psycopg.Connection | None = None
        self._secrets = secrets_of(resolve_target(settings).conninfo)

    def __enter__(self) -> BlockerWatch:
        try:
            self._conn = connect(self._settings, application_name="cfbops migrate (lock watch)")
        except CfbopsError:
            return self  # no spare connection: migrate still works, it just names no one
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
        if self._conn is not None:
            self._conn.close()

    def statement_started(self) -> None:
        """The engine is about to run a statement: watch closely for a while."""
        self._statement_started = time.monotonic()

    def holders(self, tables: tuple[str, ...], level: str) -> tuple[Blocker, ...]:
        """Sessions holding locks on `tables` that conflict with `level`, asked directly."""
        if self._conn is None or not tables:
            return ()
        try:
            relations = [
                row[0]
                for name in tables
                if (row := self._conn.execute("SELECT to_regclass(%s)::oid", (name,)).fetchone())
                and row[0] is not None
            ]
            rows = self._conn.execute(
                HOLDERS_SQL,
                {"engine": self._pid, "relations": relations, "modes": conflicting_modes(level)},
            ).fetchall()
        except psycopg.Error:
            return ()
        return tuple(Blocker(*r[:5], scrub(r[5], *self._secrets), r[6]) for r in rows)

    def take(self) -> tuple[Blocker, ...]:
        """Blockers seen since the last call, oldest transaction first."""
        with self._guard:
            seen, self._seen = self._seen, {}
        return tuple(sorted(seen.values(), key=lambda b: -(b.transaction_age_s or 0)))

    def _run(self) -> None:
        assert self._conn is not None
        while not self._stop.is_set():
            try:
                found = blocking_sessions(self._conn, self._pid, self._secrets)
            except psycopg.Error:
                return  # naming blockers is a courtesy; the migration goes on without it
            if found:
                with self._guard:
                    self._seen.update((b.pid, b) for b in found)
            recent = time.monotonic() - self._statement_started < FAST_WINDOW_S
            self._stop.wait(FAST_POLL_S if recent else SLOW_POLL_S)
