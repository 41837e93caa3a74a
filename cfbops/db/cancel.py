"""Stopping a running operation from another thread: the operation registers the sessions
it works on, `cancel()` marks it cancelled and sends each of them pg_cancel_backend, and the
operation checks the mark between its steps (a statement the cancel cut short fails with
PostgreSQL's "canceling statement due to user request")."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import psycopg

from cfbops.db.connect import ConnectionSettings, connect
from cfbops.errors import OperationCancelled
from cfbops.progress import Progress, ProgressCallback

CANCEL_SQL = "SELECT pg_cancel_backend(pid) FROM unnest(%s::int[]) AS pid"


class Cancellation:
    """One operation's cancel switch and the backends it works on (thread-safe)."""

    def __init__(self, what: str = "the operation") -> None:
        self.what = what
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._backends: dict[int, int] = {}  # backend pid -> sessions registered with it

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    @property
    def backends(self) -> tuple[int, ...]:
        with self._lock:
            return tuple(self._backends)

    def check(self) -> None:
        """Raise OperationCancelled once a cancel was asked for."""
        if self._event.is_set():
            raise OperationCancelled(f"{self.what} was cancelled")

    def attach(self, conn: psycopg.Connection) -> None:
        """From now on a cancel reaches the statements of `conn`'s backend."""
        with self._lock:
            self._backends[conn.info.backend_pid] = self._backends.get(conn.info.backend_pid, 0) + 1

    def detach(self, conn: psycopg.Connection) -> None:
        pid = conn.info.backend_pid
        with self._lock:
            left = self._backends.get(pid, 1) - 1
            if left:
                self._backends[pid] = left
            else:
                self._backends.pop(pid, None)

    @contextlib.contextmanager
    def watching(self, conn: psycopg.Connection) -> Iterator[psycopg.Connection]:
        """`conn` attached for the block (and the block not begun once cancelled)."""
        self.check()
        self.attach(conn)
        try:
            yield conn
        finally:
            self.detach(conn)

    def guard(self, progress: ProgressCallback) -> ProgressCallback:
        """A progress callback that stops the operation at its next step once cancelled."""

        def guarded(step: Progress) -> None:
            self.check()
            progress(step)

        return guarded

    def stop_after_step(self) -> None:
        """Mark the operation cancelled without cutting the statement in hand: it stops at its
        next step (a migration after the file in hand)."""
        self._event.set()

    def cancel(self, settings: ConnectionSettings) -> tuple[int, ...]:
        """Mark the operation cancelled and cancel its backends' statements; the pids sent
        pg_cancel_backend. Call it again while the operation still runs: a statement that
        began just after a cancel went out is reached by the next."""
        self._event.set()
        pids = self.backends
        if pids:
            with connect(settings, application_name="cfbops cancel") as conn:
                conn.execute(CANCEL_SQL, (list(pids),))
        return pids
