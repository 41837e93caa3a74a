"""Running a file's statements: each after its pre-flight checks, and a no-transaction
file statement by statement, with marks so a retry resumes where it stopped."""

from __future__ import annotations

import time
from collections.abc import Mapping

import psycopg
from pglast import ast
from psycopg import sql

from cfbops.migrate import statement_marks
from cfbops.migrate.dependents.keeper import Keeper
from cfbops.migrate.equivalence import Equivalent
from cfbops.migrate.files import MigrationFile
from cfbops.migrate.lock_attempts import RETRYABLE, LockRetry
from cfbops.migrate.preflight import PreflightResult, statement_checks
from cfbops.migrate.statements import Statement, needs_autocommit, qualified_name

SLOW_STATEMENT_S = 1.0


class PreflightFailed(Exception):
    """A pre-flight check found rows that break the statement it guards."""

    def __init__(self, broken: tuple[PreflightResult, ...]) -> None:
        super().__init__("; ".join(check.message() for check in broken))
        self.broken = broken


def check_before(
    conn: psycopg.Connection, file: MigrationFile, statement: Statement, created: set[str]
) -> None:
    """Count what would break `statement` now, after the file's earlier statements."""
    if file.version is None:
        return
    try:
        results = statement_checks(conn, file, statement, created)
    except psycopg.Error as exc:
        exc.cfbops_statement = statement  # type: ignore[attr-defined]
        raise
    broken = tuple(r for r in results if not r.passed)
    if broken:
        raise PreflightFailed(broken)


def execute_alone(
    conn: psycopg.Connection,
    file: MigrationFile,
    retry: LockRetry,
    present: Mapping[int, Equivalent] | None = None,
    keeper: Keeper | None = None,
) -> None:
    """A no-transaction file: each statement commits alone and is marked done, so a retry
    (this run's or a later one's) resumes at the first statement not done. A statement in
    `present` (0-based) stands under another name: it is not run (a VALIDATE goes to the
    key that stands). A statement that drops with CASCADE commits with the re-creation of
    the dependents it takes."""
    done = statement_marks.done_statements(conn, file)
    created: set[str] = set()
    count = len(file.statements)
    for index, statement in enumerate(file.statements, start=1):
        if index in done:
            if isinstance(statement.node, ast.CreateStmt):
                created.add(qualified_name(statement.node.relation))
            continue
        if (equivalent := (present or {}).get(index - 1)) is not None:
            if equivalent.validate:
                conn.execute(equivalent.validate_sql())
            statement_marks.mark_done(conn, file, index)
            continue
        check_before(conn, file, statement, created)
        concurrent_index = isinstance(statement.node, ast.IndexStmt) and statement.node.concurrent
        if concurrent_index:
            drop_invalid_index(conn, statement)
        if needs_autocommit(statement) or isinstance(statement.node, ast.TransactionStmt):
            try:
                execute(conn, file, statement, index, retry)
            except RETRYABLE:
                if concurrent_index:
                    drop_invalid_index(conn, statement)
                raise
            statement_marks.mark_done(conn, file, index)
        else:
            with conn.transaction():  # the statement and its mark commit together
                if keeper is not None:
                    keeper.before(file, statement)
                execute(conn, file, statement, index, retry)
                if keeper is not None:
                    keeper.restore()
                statement_marks.mark_done(conn, file, index)
        retry.progress.note(
            f"{file.display_path}: statement {index}/{count} (line {statement.line}) committed"
        )


def execute(
    conn: psycopg.Connection,
    file: MigrationFile,
    statement: Statement,
    index: int,
    retry: LockRetry,
    text: str | None = None,
) -> None:
    """Run `statement` (or `text`, what it became), timed; an error names the statement."""
    started = time.monotonic()
    retry.statement_started()
    try:
        conn.execute((statement.text if text is None else text).encode())
    except psycopg.Error as exc:
        exc.cfbops_statement = statement  # type: ignore[attr-defined]
        raise
    took = time.monotonic() - started
    count = len(file.statements)
    if took >= SLOW_STATEMENT_S and count > 1:
        retry.progress.note(
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
