"""Keep a plain REFRESH from holding readers up: one connection watches the lock queue of
every mart being refreshed plainly, and cancels the REFRESH when a session outside the run
has waited on that mart for nearly `--lock-wait`. The step then refreshes the mart
CONCURRENTLY, which readers never wait on (marts.steps)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

import psycopg

from cfbops.config import Settings
from cfbops.db.connect import connect

POLL_S = 0.1
DEFAULT_READER_WAIT_S = 5.0

# How long each session outside the run has waited for a lock on the relation. waitstart
# (PostgreSQL 14+) can be null for an instant after the wait began: count that as now.
WAITERS_SQL = """
SELECT l.pid, extract(epoch FROM clock_timestamp() - coalesce(l.waitstart, clock_timestamp()))
FROM pg_catalog.pg_locks AS l
WHERE l.locktype = 'relation' AND l.relation = %s AND NOT l.granted
  AND l.pid <> ALL(%s::int[])
"""


@dataclass(slots=True)
class Guard:
    """One plain REFRESH under watch: its relation, its backend, and whether it was cancelled."""

    relation: int
    backend_pid: int
    cancelled: bool = False
    waited_s: float = 0.0


@dataclass(slots=True)
class ReaderWatch:
    """Watches the guarded REFRESHes of a run from its own connection (opened on first use)."""

    settings: Settings
    reader_wait_s: float
    run_pids: set[int] = field(default_factory=set)
    _guards: dict[int, Guard] = field(default_factory=dict)
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _thread: threading.Thread | None = None
    _stopped: bool = False

    @property
    def cancel_after_s(self) -> float:
        # Cancelling and the reader taking the lock take a poll or two: act a little early.
        return max(0.0, self.reader_wait_s - 3 * POLL_S)

    @contextlib.contextmanager
    def guarding(self, relation: int, backend_pid: int) -> Iterator[Guard]:
        guard = Guard(relation, backend_pid)
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, daemon=True, name="cfbops-readers"
                )
                self._thread.start()
            self._guards[backend_pid] = guard
            self._lock.notify_all()
        try:
            yield guard
        finally:
            with self._lock:
                self._guards.pop(backend_pid, None)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._lock.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        conn: psycopg.Connection | None = None
        try:
            while True:
                with self._lock:
                    while not self._guards and not self._stopped:
                        self._lock.wait()
                    if self._stopped:
                        return
                    guards = list(self._guards.values())
                if conn is None or conn.closed or conn.broken:
                    conn = connect(self.settings, application_name="cfbops refresh watch")
                    self.run_pids.add(conn.info.backend_pid)
                for guard in guards:
                    if not guard.cancelled:
                        self._check(conn, guard)
                time.sleep(POLL_S)
        except psycopg.Error:
            return  # the REFRESH goes on unwatched: readers wait as on any plain refresh
        finally:
            if conn is not None:
                with contextlib.suppress(psycopg.Error):
                    conn.close()

    def _check(self, conn: psycopg.Connection, guard: Guard) -> None:
        waits = [s for _, s in conn.execute(WAITERS_SQL, (guard.relation, sorted(self.run_pids)))]
        longest = float(max(waits, default=0.0))
        if not waits or longest < self.cancel_after_s:
            return
        # Under the lock: the worker takes it to end the guard before its next statement,
        # so the cancel reaches the REFRESH, or an idle backend, which ignores it.
        with self._lock:
            if self._guards.get(guard.backend_pid) is guard:
                guard.cancelled = True
                guard.waited_s = longest
                conn.execute("SELECT pg_catalog.pg_cancel_backend(%s)", (guard.backend_pid,))


def run_pids_of(connections: Collection[psycopg.Connection]) -> set[int]:
    return {c.info.backend_pid for c in connections if not c.closed}
