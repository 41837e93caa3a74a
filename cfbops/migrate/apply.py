"""Apply pending migrations: one run at a time, one transaction per file, short lock tries."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

from cfbops.config import Settings
from cfbops.db.cancel import Cancellation
from cfbops.db.connect import connect, connection_lost, require_writable
from cfbops.db.locks import OPERATIONS_LOCK, LockHolder, advisory_lock
from cfbops.db.ops_objects import ENGINE_OBJECTS, ensure_objects
from cfbops.errors import ExitCode, UsageError
from cfbops.migrate import history, statement_marks
from cfbops.migrate.blockers import Blocker, BlockerWatch
from cfbops.migrate.dependents.carry import Carry
from cfbops.migrate.dependents.keeper import Keeper
from cfbops.migrate.dependents.model import (
    DependentsLost,
    KeptReport,
    KeptSummary,
    LostDependent,
)
from cfbops.migrate.equivalence import present_equivalents
from cfbops.migrate.files import MigrationFile, load_migrations, version_key
from cfbops.migrate.lock_attempts import (
    ATTEMPT_LOCK_TIMEOUT,
    DEFAULT_LOCK_WAIT_S,
    RETRYABLE,
    LockRetry,
    LockWaitExhausted,
)
from cfbops.migrate.preflight import PreflightResult
from cfbops.migrate.rehearsal import fix_for
from cfbops.migrate.session import SessionBaseline, capture_session, restore_session
from cfbops.migrate.state import MigrationState, migration_state
from cfbops.migrate.statement_runs import PreflightFailed, check_before, execute, execute_alone
from cfbops.migrate.statements import Statement
from cfbops.migrate.swap import plan_swap, short_lock_tries, swap_in
from cfbops.migrate.transaction_modes import refuse_mixed_files, runs_in_transaction
from cfbops.progress import ProgressCallback, TaskProgress, ignore_progress


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
    # A no-transaction file commits statement by statement: what stands, and where a
    # retry resumes. Empty for a transactional file, which rolled back whole.
    committed_lines: tuple[int, ...] = ()
    statement_count: int = 0
    resume_line: int | None = None
    lock_busy: bool = False
    blockers: tuple[Blocker, ...] = ()
    lost: tuple[LostDependent, ...] = ()  # objects cfbops does not own it would have lost
    fix: str = ""  # the way out, when one can be named

    @staticmethod
    def exit_code_of(failed: FailedFile | None, ok: bool) -> ExitCode:
        """A run's exit code: 4 when a file gave up waiting for its locks."""
        if failed is not None and failed.lock_busy:
            return ExitCode.LOCKED
        return ExitCode.OK if ok else ExitCode.FAILED

    def applied_text(self) -> str:
        """What of the file stands after the failure, in one line."""
        if not self.committed_lines:
            return "Nothing of that file was applied."
        lines = ", ".join(str(n) for n in self.committed_lines)
        return (
            f"Committed {len(self.committed_lines)} of {self.statement_count} statements of "
            f"that file (line(s) {lines}); the next run resumes at line {self.resume_line}."
        )


@dataclass(frozen=True, slots=True)
class AcceptedDrift:
    """An applied file whose edited content was accepted: old and new checksums."""

    version: str
    file: str
    old_checksum: str
    new_checksum: str


@dataclass(frozen=True, slots=True)
class MigrateResult:
    """What one `migrate` run did, and what it left."""

    applied: tuple[AppliedFile, ...] = ()
    pending: tuple[MigrationFile, ...] = ()
    drifted: tuple[MigrationFile, ...] = ()
    failed: FailedFile | None = None
    baselined: tuple[str, ...] = ()
    accepted: tuple[AcceptedDrift, ...] = ()
    retries: tuple[str, ...] = field(default_factory=tuple)
    dependents: KeptSummary = field(default_factory=KeptSummary)  # objects it does not own

    @property
    def ok(self) -> bool:
        return self.failed is None and not self.drifted

    @property
    def exit_code(self) -> ExitCode:
        return FailedFile.exit_code_of(self.failed, self.ok)

    def summary(self) -> str:
        """One line: what the run did, or why it did not."""
        if self.drifted:
            versions = ", ".join(f"V{f.version}" for f in self.drifted)
            return f"migrate refused: applied files were edited since they ran ({versions})"
        if self.failed is not None:
            return f"migrate failed at {self.failed.name}: {self.failed.error}"
        if not self.applied:
            return "Nothing to migrate: the database is up to date."
        text = f"migrate applied {len(self.applied)} file(s)"
        if self.dependents.recreated:
            text += f"; kept {len(self.dependents.recreated)} object(s) cfbops does not own"
        if self.dependents.dropped:
            text += f"; dropped {len(self.dependents.dropped)} on request (--drop-dependent)"
        return text


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
    lock_wait_s: float = DEFAULT_LOCK_WAIT_S,
    attempt_lock_timeout: str = ATTEMPT_LOCK_TIMEOUT,
    accept_drift: tuple[str, ...] = (),
    baseline: str | None = None,
    drop_dependent: tuple[str, ...] = (),
    progress: ProgressCallback = ignore_progress,
    sleep: Callable[[float], None] = time.sleep,
    cancellation: Cancellation | None = None,
) -> MigrateResult:
    """Apply pending versioned files in order, then changed repeatables, under the lock.

    Each try at a file waits at most `attempt_lock_timeout` for a table lock; tries repeat
    for up to `lock_wait_s` seconds per file (then the file fails with its blockers named).
    What a DROP … CASCADE would take that no file of the run re-creates is saved and
    re-created in the same transaction, unless `drop_dependent` names it.
    `cancellation.cancel()` from another thread cancels the statement in hand (its file
    fails and rolls back) and stops before the next step.
    """
    require_writable(settings, "migrate")
    cancellation = cancellation or Cancellation("the migration")
    progress = cancellation.guard(progress)
    versioned, repeatable = load_migrations(sql_dir)
    for file in versioned + repeatable:
        _ = file.statements  # parse everything first: a syntax error stops the run before any SQL
    reporter = TaskProgress(progress, "migrate")
    with (
        connect(settings, application_name="cfbops migrate") as conn,
        cancellation.watching(conn),
    ):
        _prepare_session(conn, settings, attempt_lock_timeout)
        session = capture_session(conn)  # what each file's SETs are undone to

        def waiting(holder: LockHolder | None, left: float) -> None:
            who = holder.describe() if holder else "another session"
            reporter.note(f"waiting for the migration lock held by {who} ({left:.0f}s left)")

        with advisory_lock(conn, OPERATIONS_LOCK, wait_s=wait_s, on_wait=waiting):
            ensure_objects(conn, ENGINE_OBJECTS)
            baselined = _baseline(conn, versioned, baseline) if baseline else ()
            accepted = _accept(conn, versioned, accept_drift)
            state = migration_state(conn, versioned, repeatable)
            if state.drifted:
                return MigrateResult(
                    pending=tuple(state.pending_versioned),
                    drifted=tuple(state.drifted),
                    accepted=accepted,
                )
            with BlockerWatch(settings, conn.info.backend_pid) as watch:
                retry = LockRetry(reporter, lock_wait_s, sleep, watch, conn=conn)
                return _run(
                    conn,
                    state,
                    (versioned, repeatable),
                    to_version,
                    retry,
                    (baselined, accepted),
                    drop_dependent,
                    session,
                )


def _prepare_session(conn: psycopg.Connection, settings: Settings, lock_timeout: str) -> None:
    conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(lock_timeout)))
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


def _accept(
    conn: psycopg.Connection, versioned: list[MigrationFile], versions: tuple
) -> tuple[AcceptedDrift, ...]:
    if not versions:
        return ()
    applied = history.applied_migrations(conn)
    by_version = {f.version: f for f in versioned}
    accepted: list[AcceptedDrift] = []
    for version in versions:
        file, row = by_version.get(version), applied.get(version)
        if file is None or row is None or not row.success:
            raise UsageError(f"--accept-drift {version}: no applied migration has that version")
        if row.checksum == file.checksum:
            raise UsageError(f"--accept-drift {version}: {file.display_path} has not changed")
        with conn.transaction():
            history.accept_drift(conn, file, row.checksum)
        accepted.append(AcceptedDrift(version, file.display_path, row.checksum, file.checksum))
    return tuple(accepted)


def _run(
    conn: psycopg.Connection,
    state: MigrationState,
    files: tuple[list[MigrationFile], list[MigrationFile]],
    to_version: str | None,
    retry: LockRetry,
    done_before: tuple[tuple, tuple],
    drop_dependent: tuple[str, ...],
    session: SessionBaseline,
) -> MigrateResult:
    baselined, accepted = done_before
    todo = list(state.pending_versioned)
    if to_version is not None:
        todo = [f for f in todo if version_key(f.version or "0") <= version_key(to_version)]
    left_behind = [f for f in state.pending_versioned if f not in todo]
    repeatables = [] if left_behind else list(state.pending_repeatable)
    refuse_mixed_files(todo + repeatables)  # before any of them runs
    progress = retry.progress
    progress.total = len(todo) + len(repeatables)
    applied: list[AppliedFile] = []
    kept = KeptReport()
    carry = Carry()
    try:
        for file in todo:
            earlier = [f.statements for f in files[0] if f.sort_key < file.sort_key]
            # Any repeatable may run again (the state is read again after these files), so
            # what a drop takes is kept only when no file of the project re-creates it.
            keeper = _keeper_for(conn, todo + files[1], drop_dependent, carry)
            applied.append(_apply_versioned(conn, file, retry, session, earlier, keeper, kept))
            progress.step(f"V{file.version} {file.name} applied in {applied[-1].duration_ms} ms")
        if todo and not left_behind:
            # A versioned file may have dropped a repeatable's objects (DROP … CASCADE):
            # look again, now that they have run.
            repeatables = list(migration_state(conn, *files).pending_repeatable)
            refuse_mixed_files(repeatables)
            progress.total = len(todo) + len(repeatables)
        if repeatables:
            keeper = _keeper_for(conn, repeatables, drop_dependent, carry)
            applied += _apply_repeatables(conn, repeatables, retry, session, keeper, kept)
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
            tuple(retry.notes),
            summarized(kept, carry),
        )
    return MigrateResult(
        tuple(applied),
        tuple(left_behind),
        (),
        None,
        baselined,
        accepted,
        tuple(retry.notes),
        summarized(kept, carry),
    )


def _keeper_for(
    conn: psycopg.Connection,
    run: list[MigrationFile],
    drop_dependent: tuple[str, ...],
    carry: Carry,
) -> Callable[[], Keeper]:
    """A fresh keeper for each try at a transaction (a lock retry starts over)."""
    return lambda: Keeper(conn, run, drop_dependent, carry=carry)


def summarized(kept: KeptReport, carry: Carry) -> KeptSummary:
    """A run's keepers' reports in one account."""
    return KeptSummary(
        tuple(s.label for s in kept.recreated),
        tuple(dict.fromkeys(kept.accepted)),
        tuple(carry.carried),
        tuple(carry.not_carried),
    )


def _merge(into: KeptReport, report: KeptReport) -> None:
    into.recreated += report.recreated
    into.accepted += report.accepted


def _apply_versioned(
    conn: psycopg.Connection,
    file: MigrationFile,
    retry: LockRetry,
    session: SessionBaseline,
    earlier: list[list[Statement]] | None = None,
    new_keeper: Callable[[], Keeper] | None = None,
    kept: KeptReport | None = None,
) -> AppliedFile:
    # Keys and indexes standing under another name are not added twice (pre-flight
    # equivalence); a VALIDATE of such a key validates the one that stands.
    present = present_equivalents(conn, file.statements, earlier or ())
    for equivalent in present.values():
        retry.progress.note(f"{file.display_path} {equivalent.message()}")
    transactional = runs_in_transaction(file)
    started = time.monotonic()
    new_keeper = new_keeper or (lambda: Keeper(conn, [file]))

    def once() -> KeptReport:
        keeper = new_keeper()
        if transactional:
            with conn.transaction():
                created: set[str] = set()
                for index, statement in enumerate(file.statements, start=1):
                    if (equivalent := present.get(index - 1)) is not None:
                        if equivalent.validate:
                            conn.execute(equivalent.validate_sql())
                        continue
                    check_before(conn, file, statement, created)
                    keeper.before(file, statement)
                    execute(conn, file, statement, index, retry)
                restore_session(conn, session)
                keeper.restore()
                history.record(conn, file, duration_ms=_ms_since(started), success=True)
        else:
            execute_alone(conn, file, retry, present, keeper)
            restore_session(conn, session)
            history.record(conn, file, duration_ms=_ms_since(started), success=True)
            statement_marks.clear_marks(conn, file)
        return keeper.report

    try:
        report, attempts = retry.run(file.display_path, once)
    except (psycopg.Error, PreflightFailed, LockWaitExhausted, DependentsLost) as exc:
        if not connection_lost(exc):
            # Kept (the transaction rolled back already): the file reads `failed`, not merely
            # pending, until a later run applies it.
            history.record(conn, file, duration_ms=_ms_since(started), success=False)
        raise FileFailed(_failure(conn, file, exc, transactional)) from None
    if kept is not None:
        _merge(kept, report)
    return AppliedFile(
        file.version,
        file.name,
        file.kind.value,
        _ms_since(started),
        attempts,
        tuple(e.message() for e in present.values()),
    )


def _apply_repeatables(
    conn: psycopg.Connection,
    files: list[MigrationFile],
    retry: LockRetry,
    session: SessionBaseline,
    new_keeper: Callable[[], Keeper] | None = None,
    kept: KeptReport | None = None,
) -> list[AppliedFile]:
    """All changed repeatables (and what depends on them) in one transaction, in order;
    the dependents their drops take, re-created at the end of it."""
    durations: dict[str, int] = {}
    new_keeper = new_keeper or (lambda: Keeper(conn, files))

    def once() -> KeptReport:
        durations.clear()
        keeper = new_keeper()
        with conn.transaction():
            swap = plan_swap(conn, files)
            try:
                swap.open(conn)  # marts fill beside the live ones: readers go on
                swap.keep_ahead(conn, keeper, files)
            except psycopg.Error as exc:
                if isinstance(exc, RETRYABLE):
                    raise
                file = getattr(exc, "cfbops_file", files[0])
                raise FileFailed(_failure(conn, file, exc, True)) from None
            except DependentsLost as exc:
                raise FileFailed(_failure(conn, dropping_file(files, exc), exc, True)) from None

            def in_place() -> None:
                durations.clear()
                for file in files:
                    started = time.monotonic()
                    try:
                        for index, statement in enumerate(file.statements, start=1):
                            text = swap.in_place(file, index - 1, statement)
                            if text is None:
                                continue
                            keeper.before(file, statement)
                            execute(conn, file, statement, index, retry, text)
                    except psycopg.Error as exc:
                        if isinstance(exc, RETRYABLE):
                            raise
                        raise FileFailed(_failure(conn, file, exc, True)) from None
                    except DependentsLost as exc:
                        raise FileFailed(_failure(conn, file, exc, True)) from None
                    restore_session(conn, session)
                    short_lock_tries(conn)  # the session's own timeout is restored above
                    durations[file.key] = _ms_since(started)
                    history.record(conn, file, duration_ms=durations[file.key], success=True)
                try:
                    keeper.restore()
                except DependentsLost as exc:
                    failed = _failure(conn, dropping_file(files, exc), exc, True)
                    raise FileFailed(failed) from None
                swap.close(conn)

            swap_in(conn, retry, keeper, in_place)
        return keeper.report

    try:
        report, _ = retry.run(files[0].display_path, once)
    except (psycopg.Error, LockWaitExhausted) as exc:
        raise FileFailed(_failure(conn, files[0], exc, True)) from None
    if kept is not None:
        _merge(kept, report)
    return [AppliedFile(None, f.name, f.kind.value, durations[f.key]) for f in files]


def dropping_file(files: list[MigrationFile], lost: DependentsLost) -> MigrationFile:
    """The file whose drop took the first object that cannot come back."""
    where = lost.lost[0].dropped_by
    return next((f for f in files if where.startswith(f"{f.display_path}:")), files[0])


def _failure(
    conn: psycopg.Connection, file: MigrationFile, exc: Exception, transactional: bool
) -> FailedFile:
    if connection_lost(exc):
        # The session is gone: not the file's fault, and exit 3 rather than a failed file.
        raise exc
    line: int | None = None
    preflight: tuple[PreflightResult, ...] = ()
    fix = ""
    if isinstance(exc, PreflightFailed):
        preflight = exc.broken
        line = preflight[0].line
        message = "pre-flight check failed: " + str(exc)
    elif isinstance(exc, LockWaitExhausted):
        message = str(exc)
    elif isinstance(exc, DependentsLost):
        message = str(exc)
        where = exc.lost[0].dropped_by
        line = int(where.rsplit(":", 1)[1]) if where.startswith(f"{file.display_path}:") else None
        fix = f"keep what it reads, or --drop-dependent {exc.lost[0].name}"
    else:
        line, message = locate_error(file, exc)  # type: ignore[arg-type]
        if line:
            message = f"{file.display_path}:{line}: {message}"
        fix = fix_for(exc.sqlstate, exc.diag.message_hint)  # type: ignore[union-attr]
    committed: tuple[int, ...] = ()
    resume: int | None = None
    if not transactional:
        done = statement_marks.done_statements(conn, file)
        committed = tuple(s.line for i, s in enumerate(file.statements, 1) if i in done)
        left = [s.line for i, s in enumerate(file.statements, 1) if i not in done]
        resume = left[0] if left else None
    return FailedFile(
        file.version,
        file.name,
        file.kind.value,
        message,
        line,
        preflight,
        committed,
        len(file.statements),
        resume,
        isinstance(exc, LockWaitExhausted),
        exc.blockers if isinstance(exc, LockWaitExhausted) else (),
        exc.lost if isinstance(exc, DependentsLost) else (),
        fix,
    )


def locate_error(file: MigrationFile, exc: psycopg.Error) -> tuple[int | None, str]:
    """The file line an error points at, and its one-line message with PostgreSQL's DETAIL
    (which names, say, the objects that depend on one being dropped)."""
    diag = exc.diag
    message = diag.message_primary or str(exc).splitlines()[0]
    if diag.message_detail:
        message += " (" + "; ".join(diag.message_detail.splitlines()) + ")"
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
