"""Running what adoption decided: the missing part of a file, a whole file, the repeatables.

Kept apart from apply.py's retry machinery on purpose: adoption is a one-off, and a file
that fails (a lock timeout included) leaves the run resumable, since `--adopt` compares
again whatever is still pending.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import psycopg
from pglast import ast
from psycopg import sql

from cfbops.config import Settings
from cfbops.db.connect import connection_lost
from cfbops.migrate import history
from cfbops.migrate.apply import AppliedFile, FailedFile, FileFailed, dropping_file, locate_error
from cfbops.migrate.dependents.keeper import Keeper
from cfbops.migrate.dependents.model import DependentsLost
from cfbops.migrate.equivalence import Equivalent
from cfbops.migrate.files import MigrationFile
from cfbops.migrate.lock_attempts import LockRetry, LockWaitExhausted
from cfbops.migrate.preflight import run_preflight
from cfbops.migrate.rehearsal import Rehearsal, fix_for
from cfbops.migrate.session import SessionBaseline, restore_session
from cfbops.migrate.statement_runs import PreflightFailed, check_before
from cfbops.migrate.statements import Statement, needs_autocommit, qualified_name
from cfbops.migrate.swap import Swap, plan_swap, short_lock_tries, swap_in
from cfbops.progress import TaskProgress

SLOW_STATEMENT_S = 1.0


def prepare_session(conn: psycopg.Connection, settings: Settings) -> None:
    """The same timeouts a plain migrate sets: a DDL lock never queues for long."""
    conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(settings.lock_timeout)))
    conn.execute(
        sql.SQL("SET statement_timeout = {}").format(sql.Literal(settings.statement_timeout))
    )


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


@dataclass(frozen=True, slots=True)
class Runner:
    """How this run executes statements: the keeper of dependents for the transaction at
    hand, and in a rehearsal the policy that plans instead of running."""

    progress: TaskProgress
    keeper: Keeper | None = None
    rehearsal: Rehearsal | None = None
    # The session each file's SETs are undone to, before what follows it runs.
    session: SessionBaseline | None = None

    def end_of_file(self, conn: psycopg.Connection) -> None:
        if self.session is not None:
            restore_session(conn, self.session)


def _statements(
    conn: psycopg.Connection,
    file: MigrationFile,
    runner: Runner,
    present: Mapping[int, Equivalent],
    only: set[int] | None = None,
    swap: Swap | None = None,
    recount: frozenset[int] = frozenset(),
) -> None:
    """Run the file's statements (those in `only`); a statement whose line is in `recount`
    is first checked again, as `migrate` checks it: on the data the file's earlier
    statements left (PreflightFailed)."""
    created: set[str] = set()
    for index, statement in enumerate(file.statements):
        if isinstance(statement.node, ast.CreateStmt):
            created.add(qualified_name(statement.node.relation))
        if only is not None and index not in only:
            continue
        equivalent = present.get(index)
        if equivalent is not None:
            if equivalent.validate and runner.rehearsal is None:
                conn.execute(equivalent.validate_sql())
            continue
        text: str | None = statement.text if swap is None else swap.in_place(file, index, statement)
        if text is None:
            continue
        if runner.rehearsal is not None:
            where = f"{file.display_path}:{statement.line}"
            text = runner.rehearsal.prepare(where, statement, text)
            if text is None:
                continue
        if statement.line in recount:
            check_before(conn, file, statement, created)
        started = time.monotonic()
        try:
            if runner.keeper is not None:
                runner.keeper.before(file, statement)
            conn.execute(text.encode())
        except psycopg.Error as exc:
            exc.cfbops_statement = statement  # type: ignore[attr-defined]
            raise
        if time.monotonic() - started >= SLOW_STATEMENT_S:
            runner.progress.note(
                f"{file.display_path}:{statement.line} took {time.monotonic() - started:.1f}s"
            )


INVALID_INDEX_SQL = """
SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT i.indisvalid AND n.nspname = %s AND c.relname = %s
"""


def _drop_invalid_leftover(conn: psycopg.Connection, statement: Statement) -> None:
    """A failed CONCURRENTLY build leaves an invalid index that IF NOT EXISTS would keep."""
    node = statement.node
    if not isinstance(node, ast.IndexStmt) or not node.idxname:
        return
    schema = node.relation.schemaname or "public"
    if conn.execute(INVALID_INDEX_SQL, (schema, node.idxname)).fetchone():
        conn.execute(
            sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}").format(
                sql.Identifier(schema, node.idxname)
            )
        )


def _failed(
    original: MigrationFile, ran: MigrationFile, exc: psycopg.Error | DependentsLost
) -> FailedFile:
    kind = original.kind.value
    if isinstance(exc, DependentsLost):
        where = exc.lost[0].dropped_by
        line = int(where.rsplit(":", 1)[1]) if where.startswith(original.display_path) else None
        return FailedFile(
            original.version, original.name, kind, str(exc), line, lost=exc.lost,
            fix=f"keep what it reads, or --drop-dependent {exc.lost[0].name}",
        )  # fmt: skip
    if connection_lost(exc):
        raise exc  # the session is gone: exit 3, not a failed file
    line, message = locate_error(ran, exc)
    where = f"{original.display_path}:{line}: " if line else ""
    fix = fix_for(exc.sqlstate, exc.diag.message_hint)
    return FailedFile(original.version, original.name, kind, where + message, line, fix=fix)


def run_file(
    conn: psycopg.Connection,
    original: MigrationFile,
    ran: MigrationFile,
    record: Callable[[int], None],
    runner: Runner,
    present: Mapping[int, Equivalent] | None = None,
) -> AppliedFile:
    """Pre-flight `ran` (the part of `original` to run), run it and `record(ms)` in one
    transaction; statement by statement when something in it cannot run in one. The
    dependents its drops take are re-created in that transaction."""
    present = present or {}
    checks = run_preflight(conn, ran, skip=present)
    # A check on data the file's own earlier statements change is counted again just
    # before its statement, as `migrate` does; the rest are judged on today's data.
    broken = tuple(c for c in checks if not c.passed and not c.after_lines)
    recount = frozenset(c.line for c in checks if c.after_lines)
    if broken:
        raise FileFailed(
            FailedFile(
                original.version,
                original.name,
                original.kind.value,
                "pre-flight check failed: " + "; ".join(c.message() for c in broken),
                broken[0].line,
                broken,
            )
        )
    started = time.monotonic()
    alone = {i for i, s in enumerate(ran.statements) if needs_autocommit(s)}
    together = set(range(len(ran.statements))) - alone
    if original.directives.no_transaction:
        alone, together = alone | together, set()
    if runner.rehearsal is not None:  # one transaction; the policy plans what cannot run
        alone, together = set(), set(range(len(ran.statements)))
    alone_runner = Runner(runner.progress, None, runner.rehearsal)
    try:
        # Statements that cannot run in a transaction (index builds CONCURRENTLY on a table
        # that stands) first, each committing alone; if one fails, history is not written
        # and the next --adopt finds the built ones standing. Then the rest, all or nothing,
        # with the history row and the dependents its drops took.
        for index in sorted(alone):
            _drop_invalid_leftover(conn, ran.statements[index])
        _statements(conn, ran, alone_runner, present, only=alone, recount=recount)
        with conn.transaction():
            _statements(conn, ran, runner, present, only=together, recount=recount)
            runner.end_of_file(conn)
            if runner.keeper is not None:
                runner.keeper.restore()
            record(_ms_since(started))
    except PreflightFailed as exc:
        message = "pre-flight check failed: " + "; ".join(c.message() for c in exc.broken)
        failed = FailedFile(
            original.version, original.name, original.kind.value, message,
            exc.broken[0].line, exc.broken,
        )  # fmt: skip
        raise FileFailed(failed) from None
    except (psycopg.Error, DependentsLost) as exc:
        raise FileFailed(_failed(original, ran, exc)) from None
    kind = "adopted" if ran is not original else original.kind.value
    return AppliedFile(original.version, original.name, kind, _ms_since(started))


def run_repeatables(
    conn: psycopg.Connection, files: list[MigrationFile], runner: Runner
) -> list[AppliedFile]:
    """The repeatables in their order, in one transaction, each with its history row; the
    dependents their drops took are re-created at its end."""
    applied: list[AppliedFile] = []
    current = files[0]
    try:
        with conn.transaction():
            swap = plan_swap(conn, files, populate=runner.rehearsal is None)
            try:
                swap.open(conn)  # marts fill beside the live ones: readers go on
                if runner.keeper is not None:
                    swap.keep_ahead(conn, runner.keeper, files)
            except psycopg.Error as exc:
                current = getattr(exc, "cfbops_file", current)
                raise
            except DependentsLost as exc:
                current = dropping_file(files, exc)
                raise

            def in_place() -> None:
                nonlocal current
                applied.clear()
                for file in files:
                    current = file
                    started = time.monotonic()
                    _statements(conn, file, runner, {}, swap=swap)
                    runner.end_of_file(conn)
                    short_lock_tries(conn)  # the session's own timeout is restored above
                    history.record(conn, file, duration_ms=_ms_since(started), success=True)
                    ms = _ms_since(started)
                    applied.append(AppliedFile(None, file.name, file.kind.value, ms))
                if runner.keeper is not None:
                    try:
                        runner.keeper.restore()
                    except DependentsLost as exc:
                        current = dropping_file(files, exc)
                        raise
                swap.close(conn)

            swap_in(conn, LockRetry(runner.progress), runner.keeper, in_place)
    except (psycopg.Error, DependentsLost) as exc:
        raise FileFailed(_failed(current, current, exc)) from None
    except LockWaitExhausted as exc:
        kind = current.kind.value
        busy = FailedFile(current.version, current.name, kind, str(exc), lock_busy=True)
        raise FileFailed(busy) from None
    return applied
