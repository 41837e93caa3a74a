"""Apply pending migrations: one run at a time, one transaction per file, bounded retries."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from pglast import ast
from psycopg import errors, sql

from cfbops.config import Settings
from cfbops.db.connect import connect
from cfbops.db.locks import OPERATIONS_LOCK, LockHolder, advisory_lock
from cfbops.errors import UsageError
from cfbops.migrate import history
from cfbops.migrate.equivalence import Equivalent, present_equivalents
from cfbops.migrate.files import MigrationFile, load_migrations, version_key
from cfbops.migrate.preflight import PreflightResult, run_preflight
from cfbops.migrate.state import MigrationState, migration_state
from cfbops.migrate.statements import Statement, needs_autocommit, qualified_name
from cfbops.progress import ProgressCallback, TaskProgress, ignore_progress

RETRYABLE = (errors.LockNotAvailable, errors.DeadlockDetected)
MAX_ATTEMPTS = 5
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 15.0
SLOW_STATEMENT_S = 1.0


@dataclass(frozen=True, slots=True)
class AppliedFile:
    version: str | None
    name: str
    kind: str
    duration_ms: int
    attempts: int = 1
    equivalents: tuple[str, ...] = ()  # objects found under another name, not added twice


@dataclass(frozen=True, slots=True)
class FailedFile:
    version: str | None
    name: str
    kind: str
    error: str
    line: int | None = None
    preflight: tuple[PreflightResult, ...] = ()


@dataclass(frozen=True, slots=True)
class MigrateResult:
    """What one `migrate` run did, and what it left."""

    applied: tuple[AppliedFile, ...] = ()
    pending: tuple[MigrationFile, ...] = ()
    drifted: tuple[MigrationFile, ...] = ()
    failed: FailedFile | None = None
    baselined: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()
    retries: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.failed is None and not self.drifted


class FileFailed(Exception):
    """A file stopped; carries what to report."""

    def __init__(self, failure: FailedFile) -> None:
        super().__init__(failure.error)
        self.failure = failure


def migrate(
    settings: Settings,
    *,
    sql_dir: Path,
    to_version: str | None = None,
    wait_s: float | None = 60.0,
    accept_drift: tuple[str, ...] = (),
    baseline: str | None = None,
    progress: ProgressCallback = ignore_progress,
    sleep: Callable[[float], None] = time.sleep,
) -> MigrateResult:
    """Apply pending versioned files in order, then changed repeatables, under the lock."""
    versioned, repeatable = load_migrations(sql_dir)
    for file in versioned + repeatable:
        _ = file.statements  # parse everything first: a syntax error stops the run before any SQL
    reporter = TaskProgress(progress, "migrate")
    with connect(settings, application_name="cfbops migrate") as conn:
        _prepare_session(conn, settings)

        def waiting(holder: LockHolder | None, left: float) -> None:
            who = holder.describe() if holder else "another session"
            reporter.note(f"waiting for the migration lock held by {who} ({left:.0f}s left)")

        with advisory_lock(conn, OPERATIONS_LOCK, wait_s=wait_s, on_wait=waiting):
            history.ensure_history(conn)
            baselined = _baseline(conn, versioned, baseline) if baseline else ()
            accepted = _accept(conn, versioned, accept_drift)
            state = migration_state(conn, versioned, repeatable)
            if state.drifted:
                return MigrateResult(
                    pending=tuple(state.pending_versioned),
                    drifted=tuple(state.drifted),
                    accepted=accepted,
                )
            return _run(conn, state, to_version, reporter, sleep, baselined, accepted, versioned)


def _prepare_session(conn: psycopg.Connection, settings: Settings) -> None:
    conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(settings.lock_timeout)))
    conn.execute(
        sql.SQL("SET statement_timeout = {}").format(sql.Literal(settings.statement_timeout))
    )
    if conn.info.server_version >= 140000:
        # A killed cfbops must not leave its backend running the rest of a file.
        conn.execute("SET client_connection_check_interval = '1s'")


def _baseline(conn: psycopg.Connection, versioned: list[MigrationFile], version: str) -> tuple:
    if history.applied_migrations(conn):
        raise UsageError("--baseline adopts a database with no migration history; this one has")
    chosen = [f for f in versioned if version_key(f.version or "0") <= version_key(version)]
    if not chosen:
        raise UsageError(f"--baseline {version}: no migration file has a version that low")
    with conn.transaction():
        history.record_baseline(conn, chosen)
    return tuple(f.version for f in chosen if f.version)


def _accept(conn: psycopg.Connection, versioned: list[MigrationFile], versions: tuple) -> tuple:
    if not versions:
        return ()
    applied = history.applied_migrations(conn)
    by_version = {f.version: f for f in versioned}
    accepted = []
    for version in versions:
        file, row = by_version.get(version), applied.get(version)
        if file is None or row is None or not row.success:
            raise UsageError(f"--accept-drift {version}: no applied migration has that version")
        if row.checksum == file.checksum:
            raise UsageError(f"--accept-drift {version}: {file.display_path} has not changed")
        with conn.transaction():
            history.accept_drift(conn, file, row.checksum)
        accepted.append(version)
    return tuple(accepted)


def _run(
    conn: psycopg.Connection,
    state: MigrationState,
    to_version: str | None,
    progress: TaskProgress,
    sleep: Callable[[float], None],
    baselined: tuple,
    accepted: tuple,
    versioned: list[MigrationFile] | None = None,
) -> MigrateResult:
    every = versioned or list(state.pending_versioned)
    todo = list(state.pending_versioned)
    if to_version is not None:
        todo = [f for f in todo if version_key(f.version or "0") <= version_key(to_version)]
    left_behind = [f for f in state.pending_versioned if f not in todo]
    repeatables = [] if left_behind else list(state.pending_repeatable)
    progress.total = len(todo) + len(repeatables)
    applied: list[AppliedFile] = []
    retries: list[str] = []
    try:
        for file in todo:
            earlier = [f.statements for f in every if f.sort_key < file.sort_key]
            applied.append(_apply_versioned(conn, file, progress, sleep, retries, earlier))
            progress.step(f"V{file.version} {file.name} applied in {applied[-1].duration_ms} ms")
        if repeatables:
            applied += _apply_repeatables(conn, repeatables, progress, sleep, retries)
            progress.step(
                f"{len(repeatables)} repeatable file(s) applied", advance=len(repeatables)
            )
    except FileFailed as failed:
        done = {(a.version, a.name) for a in applied}
        rest = [f for f in todo + repeatables if (f.version, f.name) not in done]
        return MigrateResult(
            tuple(applied),
            tuple(rest + left_behind),
            (),
            failed.failure,
            baselined,
            accepted,
            tuple(retries),
        )
    return MigrateResult(
        tuple(applied), tuple(left_behind), (), None, baselined, accepted, tuple(retries)
    )


def _with_retries(
    file: MigrationFile,
    attempt_once: Callable[[], None],
    progress: TaskProgress,
    sleep: Callable[[float], None],
    retries: list[str],
) -> int:
    """Run `attempt_once` until it succeeds; retry lock timeouts and deadlocks with backoff."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            attempt_once()
            return attempt
        except RETRYABLE as exc:
            if attempt == MAX_ATTEMPTS:
                raise
            delay = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (attempt - 1))
            delay *= random.uniform(0.5, 1.5)
            reason = "lock timeout" if isinstance(exc, errors.LockNotAvailable) else "deadlock"
            note = (
                f"{file.display_path}: {reason} ({exc.diag.message_primary}); "
                f"retry {attempt}/{MAX_ATTEMPTS - 1} in {delay:.1f}s"
            )
            retries.append(note)
            progress.note(note)
            sleep(delay)
    raise AssertionError("unreachable")


def _apply_versioned(
    conn: psycopg.Connection,
    file: MigrationFile,
    progress: TaskProgress,
    sleep: Callable[[float], None],
    retries: list[str],
    earlier: list[list[Statement]] | None = None,
) -> AppliedFile:
    present = present_equivalents(conn, file.statements, earlier or ())
    for equivalent in present.values():
        progress.note(f"{file.display_path} {equivalent.message()}")
    checks = run_preflight(conn, file, skip=present)
    broken = tuple(check for check in checks if not check.passed)
    if broken:
        raise FileFailed(
            FailedFile(
                file.version,
                file.name,
                file.kind.value,
                "pre-flight check failed: " + "; ".join(check.message() for check in broken),
                broken[0].line,
                broken,
            )
        )
    transactional = not file.directives.no_transaction and not any(
        needs_autocommit(s) for s in file.statements
    )
    started = time.monotonic()

    def once() -> None:
        if transactional:
            with conn.transaction():
                _execute_all(conn, file, progress, present)
                history.record(conn, file, duration_ms=_ms_since(started), success=True)
        else:
            _execute_alone(conn, file, progress, present)

    try:
        attempts = _with_retries(file, once, progress, sleep, retries)
    except psycopg.Error as exc:
        if not transactional:
            history.record(conn, file, duration_ms=_ms_since(started), success=False)
        raise FileFailed(_failure(file, exc)) from None
    return AppliedFile(
        file.version,
        file.name,
        file.kind.value,
        _ms_since(started),
        attempts,
        tuple(e.message() for e in present.values()),
    )


def _stands(conn: psycopg.Connection, present: dict[int, Equivalent], index: int) -> bool:
    """True when statement `index` (0-based) is replaced by its equivalent already standing."""
    equivalent = present.get(index)
    if equivalent is None:
        return False
    if equivalent.validate:
        conn.execute(equivalent.validate_sql())
    return True


def _execute_all(
    conn: psycopg.Connection,
    file: MigrationFile,
    progress: TaskProgress,
    present: dict[int, Equivalent] | None = None,
) -> None:
    count = len(file.statements)
    for index, statement in enumerate(file.statements, start=1):
        if not _stands(conn, present or {}, index - 1):
            _execute(conn, file, statement, index, count, progress)


def _execute_alone(
    conn: psycopg.Connection,
    file: MigrationFile,
    progress: TaskProgress,
    present: dict[int, Equivalent] | None = None,
) -> None:
    """A no-transaction file: each statement alone in autocommit, then its history row."""
    started = time.monotonic()
    count = len(file.statements)
    for index, statement in enumerate(file.statements, start=1):
        if _stands(conn, present or {}, index - 1):
            continue
        if isinstance(statement.node, ast.IndexStmt) and statement.node.concurrent:
            drop_invalid_index(conn, statement)
        try:
            _execute(conn, file, statement, index, count, progress)
        except RETRYABLE:
            if isinstance(statement.node, ast.IndexStmt) and statement.node.concurrent:
                drop_invalid_index(conn, statement)
            raise
    history.record(conn, file, duration_ms=_ms_since(started), success=True)


def _execute(
    conn: psycopg.Connection,
    file: MigrationFile,
    statement: Statement,
    index: int,
    count: int,
    progress: TaskProgress,
) -> None:
    started = time.monotonic()
    try:
        conn.execute(statement.text.encode())
    except psycopg.Error as exc:
        exc.cfbops_statement = statement  # type: ignore[attr-defined]
        raise
    took = time.monotonic() - started
    if took >= SLOW_STATEMENT_S and count > 1:
        progress.note(
            f"{file.display_path}:{statement.line} statement {index}/{count} took {took:.1f}s"
        )


INVALID_INDEX_SQL = """
SELECT c.oid
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT i.indisvalid AND c.relname = %s AND n.nspname = %s
"""


def drop_invalid_index(conn: psycopg.Connection, statement: Statement) -> bool:
    """Drop the index a failed CREATE INDEX CONCURRENTLY left invalid, so it can run again."""
    node = statement.node
    if not isinstance(node, ast.IndexStmt) or not node.idxname:
        return False
    schema = qualified_name(node.relation).split(".")[0]
    row = conn.execute(INVALID_INDEX_SQL, (node.idxname, schema)).fetchone()
    if row is None:
        return False
    conn.execute(
        sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}").format(sql.Identifier(schema, node.idxname))
    )
    return True


def _apply_repeatables(
    conn: psycopg.Connection,
    files: list[MigrationFile],
    progress: TaskProgress,
    sleep: Callable[[float], None],
    retries: list[str],
) -> list[AppliedFile]:
    """All changed repeatables (and what depends on them) in one transaction, in order."""
    durations: dict[str, int] = {}

    def once() -> None:
        durations.clear()
        with conn.transaction():
            for file in files:
                started = time.monotonic()
                try:
                    _execute_all(conn, file, progress)
                except psycopg.Error as exc:
                    if isinstance(exc, RETRYABLE):
                        raise
                    raise FileFailed(_failure(file, exc)) from None
                durations[file.key] = _ms_since(started)
                history.record(conn, file, duration_ms=durations[file.key], success=True)

    try:
        _with_retries(files[0], once, progress, sleep, retries)
    except psycopg.Error as exc:
        raise FileFailed(_failure(files[0], exc)) from None
    return [AppliedFile(None, f.name, f.kind.value, durations[f.key]) for f in files]


def _failure(file: MigrationFile, exc: psycopg.Error) -> FailedFile:
    line, message = locate_error(file, exc)
    return FailedFile(
        file.version,
        file.name,
        file.kind.value,
        f"{file.display_path}:{line}: {message}" if line else message,
        line,
    )


def locate_error(file: MigrationFile, exc: psycopg.Error) -> tuple[int | None, str]:
    """The file line an error points at, and its one-line message."""
    diag = exc.diag
    message = diag.message_primary or str(exc).splitlines()[0]
    failing: Statement | None = getattr(exc, "cfbops_statement", None)
    if failing is None:
        return None, message
    line = failing.line
    if diag.statement_position:
        offset = int(diag.statement_position) - 1
        line += failing.text.count("\n", 0, offset)
    return line, message


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
