"""The console's one read-only polling connection: reconnects with backoff, returns snapshots.

Like pg_activity's data object, it owns the connection; the App only calls `poll()` from a
thread worker and never touches psycopg itself."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from cfbops.cfbd.daily import CallsPerDay, calls_per_day
from cfbops.config import Settings
from cfbops.db.connect import (
    DatabaseTarget,
    connect,
    connection_lost,
    describe_lost_connection,
    resolve_target,
)
from cfbops.db.urls import password_of, scrub
from cfbops.errors import CfbopsError
from cfbops.marts.durations import MartDurations, recent_durations
from cfbops.migrate.files import MigrationFile, load_migrations
from cfbops.migrate.history import applied_migrations
from cfbops.migrate.listing import MigrationListing, list_migrations
from cfbops.migrate.object_cache import ObjectCache
from cfbops.migrate.repeatables import ObjectsOf, parsed_objects
from cfbops.migrate.state import migration_state
from cfbops.quality.standing import StandingFinding, standing_findings
from cfbops.status import StatusSnapshot, status_on, summarize_migrations

Clock = Callable[[], datetime]

APPLICATION_NAME = "cfbops console"
# Monitoring queries must never hold the dashboard up behind a lock or a slow plan.
POLL_STATEMENT_TIMEOUT = "5s"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ConsoleSnapshot:
    """Everything the dashboard shows at one moment: the status sections, the detail the panes
    list beyond them (None where the database has no such table yet), and when."""

    status: StatusSnapshot
    taken_at: datetime
    migration_files: MigrationListing | None = None
    calls_per_day: CallsPerDay | None = None
    mart_durations: Mapping[str, MartDurations] = field(default_factory=dict)
    findings: tuple[StandingFinding, ...] = ()


MigrationLoader = Callable[[Path], tuple[list[MigrationFile], list[MigrationFile]]]


def read_snapshot(
    conn: psycopg.Connection,
    target: DatabaseTarget,
    sql_dir: Path,
    now: datetime,
    load: MigrationLoader = load_migrations,
    objects: ObjectsOf = parsed_objects,
) -> ConsoleSnapshot:
    """Everything the dashboard shows, read on one connection (read-only). The migration files
    and history are read once for both the counts and the listing."""
    versioned, repeatable = load(sql_dir)
    state = migration_state(conn, versioned, repeatable, objects)
    history = applied_migrations(conn)
    status = status_on(conn, target, sql_dir, migrations=summarize_migrations(state, history))
    return ConsoleSnapshot(
        status=status,
        taken_at=now,
        migration_files=list_migrations(versioned + repeatable, state, history),
        calls_per_day=calls_per_day(conn, now) if status.budget is not None else None,
        mart_durations=recent_durations(conn),
        findings=standing_findings(conn),
    )


@dataclass(frozen=True, slots=True)
class Backoff:
    """Seconds to wait before reconnect attempt n (0-based): doubling, capped."""

    first_s: float = 0.5
    max_s: float = 15.0

    def delay(self, failures: int) -> float:
        return min(self.first_s * 2 ** max(failures - 1, 0), self.max_s)


class SourceUnavailable(Exception):
    """The database could not be read; `retry_in_s` says when the next poll should try;
    `detail` is the whole error (the reason is its first line)."""

    def __init__(self, reason: str, retry_in_s: float, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_in_s = retry_in_s
        self.detail = detail or reason


class StatusSource:
    """Owns the polling connection. Not thread-safe: one poll at a time (the App's timer is
    re-armed only when a poll finishes, so polls never overlap)."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = utc_now,
        sql_dir: Path | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        # The dashboard only reads: its session refuses writes whatever the flag says.
        self.settings = dataclasses.replace(settings, read_only=True)
        self.clock = clock
        self.sql_dir = sql_dir or settings.sql_dir
        self.backoff = backoff or Backoff()
        self.failures = 0
        self._conn: psycopg.Connection | None = None
        self._target: DatabaseTarget | None = None
        self._files: dict[Path, MigrationFile] = {}
        # What the repeatables create and read, parsed once per content and home, not on
        # every start (the first poll's largest cost).
        self._objects = ObjectCache(self.settings.home)

    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.closed

    @property
    def backend_pid(self) -> int | None:
        return self._conn.info.backend_pid if self.connected and self._conn else None

    def poll(self) -> ConsoleSnapshot:
        """One snapshot; on a lost or refused connection raise SourceUnavailable with the
        backoff delay before the next attempt."""
        try:
            conn = self._connection()
            snapshot = read_snapshot(
                conn,
                self._target_of(),
                self.sql_dir,
                self.clock(),
                self._load_migrations,
                self._objects,
            )
            self._objects.save()
        except CfbopsError as exc:
            raise self._failed(str(exc)) from None
        except psycopg.Error as exc:
            detail = self._scrubbed(str(exc))
            if connection_lost(exc) or self._conn is None or self._conn.closed:
                raise self._failed(self._scrubbed(describe_lost_connection(exc)), detail) from None
            # The session is fine but a query failed (a timeout, a schema an older cfbops
            # made): say so and try again later rather than stop polling.
            first = (exc.diag.message_primary or str(exc)).strip().splitlines()
            reason = first[0] if first else type(exc).__name__
            raise self._failed(f"could not read the dashboard: {reason}", detail) from None
        self.failures = 0
        return snapshot

    def _load_migrations(self, sql_dir: Path) -> tuple[list[MigrationFile], list[MigrationFile]]:
        """The files as on disk, each unchanged one as the object of the last poll: its parsed
        statements (pglast, nine tenths of a poll's time) are cached on it."""
        versioned, repeatable = load_migrations(sql_dir)
        versioned, repeatable = self._known(versioned), self._known(repeatable)
        self._files = {f.path: f for f in versioned + repeatable}
        return versioned, repeatable

    def _known(self, files: list[MigrationFile]) -> list[MigrationFile]:
        return [old if (old := self._files.get(f.path)) == f else f for f in files]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def target(self) -> DatabaseTarget | None:
        """Where the last connection went (None before the first)."""
        return self._target

    def _target_of(self) -> DatabaseTarget:
        if self._target is None:
            self._target = resolve_target(self.settings)
        return self._target

    def _scrubbed(self, text: str) -> str:
        return scrub(text, password_of(self._target.conninfo)) if self._target else text

    def _connection(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed:
            self._conn = None
            # Each reconnect looks again where the database is: a restarted embedded server
            # may listen on another port now.
            if self._target is not None:
                self._target = resolve_target(self.settings, fresh=True)
            conn = connect(
                self.settings, target=self._target_of(), application_name=APPLICATION_NAME
            )
            conn.execute(
                "SELECT set_config('statement_timeout', %s, false)", (POLL_STATEMENT_TIMEOUT,)
            )
            self._conn = conn
        return self._conn

    def _failed(self, reason: str, detail: str = "") -> SourceUnavailable:
        self.close()
        self.failures += 1
        return SourceUnavailable(reason, self.backoff.delay(self.failures), detail)
