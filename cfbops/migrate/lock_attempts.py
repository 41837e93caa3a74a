"""Taking table locks without stalling writers: short tries, jittered growing pauses, a budget.

A statement waiting for a lock sits in PostgreSQL's lock queue, and every writer that comes
after it queues behind it. So each try waits only ATTEMPT_LOCK_TIMEOUT (tens of ms) and then
steps out of the queue; between tries the engine pauses (jittered, growing, capped so it
notices soon when the table frees up) while the writers go on. Lock timeouts never grow:
a longer one would bring the stall back. After the budget (`--lock-wait`) it gives up,
naming the sessions that held it up. Autovacuum alone in the way is outwaited instead: the
next try waits just past deadlock_timeout, when PostgreSQL cancels the worker for it.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import psycopg
from psycopg import errors

from cfbops.db.autovacuum import outwaiting_ms
from cfbops.migrate.blockers import Blocker, BlockerWatch
from cfbops.migrate.lock_levels import lock_for
from cfbops.progress import TaskProgress

ATTEMPT_LOCK_TIMEOUT = "25ms"
DEFAULT_LOCK_WAIT_S = 300.0
FIRST_PAUSE_S = 0.05
PAUSE_GROWTH = 1.5
MAX_PAUSE_S = 0.4
RETRYABLE = (errors.LockNotAvailable, errors.DeadlockDetected)

T = TypeVar("T")


class LockWaitExhausted(Exception):
    """The retry budget ran out while other sessions held the locks a file needs."""

    def __init__(self, what: str, waited_s: float, attempts: int, blockers: tuple[Blocker, ...]):
        self.what, self.waited_s, self.attempts, self.blockers = what, waited_s, attempts, blockers
        who = "; ".join(b.describe() for b in blockers) or "sessions cfbops could not name"
        super().__init__(
            f"{what}: gave up after {waited_s:.1f}s and {attempts} tries to take its locks; "
            f"blocked by {who}. End those sessions or try again later (--lock-wait SECONDS "
            "waits longer)"
        )


@dataclass(slots=True)
class LockRetry:
    """Runs one unit of work (a file, a pre-flight query) until it gets its locks or the
    budget runs out. `notes` keeps the one-line reasons of the retries it reported."""

    progress: TaskProgress
    budget_s: float = DEFAULT_LOCK_WAIT_S
    sleep: Callable[[float], None] = time.sleep
    watch: BlockerWatch | None = None
    notes: list[str] = field(default_factory=list)
    # The engine's connection: a try on it may wait long enough to outwait autovacuum.
    conn: psycopg.Connection | None = None

    def statement_started(self) -> None:
        if self.watch is not None:
            self.watch.statement_started()

    def run(self, what: str, attempt_once: Callable[[], T]) -> tuple[T, int]:
        """`attempt_once()`'s value and how many tries it took."""
        started = time.monotonic()
        blockers: dict[int, Blocker] = {}
        pause = FIRST_PAUSE_S
        attempt = 0
        outwait_ms: int | None = None
        outwaited: set[int] = set()  # once per worker: one against wraparound is never cancelled
        while True:
            attempt += 1
            if self.watch is not None:
                self.watch.take()  # blockers of earlier work are not this attempt's
            try:
                with self._lock_timeout(outwait_ms):
                    return attempt_once(), attempt
            except RETRYABLE as exc:
                seen = self._blockers(exc)
                blockers.update((b.pid, b) for b in seen)
                waited = time.monotonic() - started
                outwait_ms = self._outwait_ms(seen, outwaited, self.budget_s - waited)
                if outwait_ms is not None:
                    outwaited.update(b.pid for b in seen)
                    self._note_outwait(what, seen, outwait_ms)
                    continue
                delay = random.uniform(0.5, 1.0) * pause
                if waited + delay > self.budget_s:
                    ordered = sorted(blockers.values(), key=lambda b: -(b.transaction_age_s or 0))
                    raise LockWaitExhausted(what, waited, attempt, tuple(ordered)) from exc
                self._note(what, exc, attempt, seen, waited)
                self.sleep(delay)
                pause = min(MAX_PAUSE_S, pause * PAUSE_GROWTH)

    def _outwait_ms(
        self, seen: tuple[Blocker, ...], outwaited: set[int], left_s: float
    ) -> int | None:
        """How long the next try waits when autovacuum alone held this one up (workers not
        outwaited before), else None."""
        if self.conn is None or not seen or left_s <= 0:
            return None
        if not all(b.is_autovacuum for b in seen) or {b.pid for b in seen} <= outwaited:
            return None
        try:
            return min(outwaiting_ms(self.conn), int(left_s * 1000))
        except psycopg.Error:
            return None

    @contextlib.contextmanager
    def _lock_timeout(self, ms: int | None) -> Iterator[None]:
        """The session's lock_timeout at `ms` for one try (None: as it is)."""
        if ms is None or self.conn is None:
            yield
            return
        conn = self.conn
        previous = conn.execute("SELECT current_setting('lock_timeout')").fetchone()
        conn.execute("SELECT set_config('lock_timeout', %s, false)", (f"{ms}ms",))
        try:
            yield
        finally:
            with contextlib.suppress(psycopg.Error):  # an aborted transaction undoes it anyway
                conn.execute("SELECT set_config('lock_timeout', %s, false)", (previous[0],))

    def _note_outwait(self, what: str, seen: tuple[Blocker, ...], ms: int) -> None:
        who = "; ".join(b.describe() for b in seen)
        note = (
            f"{what}: autovacuum holds what it needs ({who}); the next try waits "
            f"{ms / 1000:.1f}s, past deadlock_timeout, when PostgreSQL cancels it"
        )
        self.notes.append(note)
        self.progress.note(note)

    def _blockers(self, exc: Exception) -> tuple[Blocker, ...]:
        """Who held up this try: what the sampler saw, else who holds the statement's tables."""
        if self.watch is None:
            return ()
        seen = self.watch.take()
        statement = getattr(exc, "cfbops_statement", None)
        if seen or statement is None:
            return seen
        lock = lock_for(statement)
        return self.watch.holders(lock.tables, lock.level)

    def _note(
        self,
        what: str,
        exc: Exception,
        attempt: int,
        seen: tuple[Blocker, ...],
        waited: float,
    ) -> None:
        reason = "deadlock" if isinstance(exc, errors.DeadlockDetected) else "lock timeout"
        who = "; ".join(b.describe() for b in seen) or "a session that let go before it was named"
        note = (
            f"{what}: {reason} on try {attempt} (blocked by {who}); trying again, "
            f"{waited:.1f}s of {self.budget_s:g}s --lock-wait used"
        )
        # Several tries a second: tell a person now and then, not at every try.
        if attempt <= 3 or attempt % 20 == 0 or isinstance(exc, errors.DeadlockDetected):
            self.notes.append(note)
            self.progress.note(note)
