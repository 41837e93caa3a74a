"""`migrate --plan`: every pending statement with its lock, the tables' sizes, lint and
pre-flight results. It changes nothing (the session is read-only)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
from pglast import prettify

from cfbops.config import Settings
from cfbops.db.connect import connect
from cfbops.migrate.equivalence import Equivalent, present_equivalents
from cfbops.migrate.files import MigrationFile, load_migrations
from cfbops.migrate.lint import Violation, lint_sql
from cfbops.migrate.locks import LockImpact, lock_for
from cfbops.migrate.preflight import PreflightResult, run_preflight
from cfbops.migrate.state import migration_state
from cfbops.migrate.statements import Statement, needs_autocommit

TABLE_SIZE_SQL = """
SELECT n.nspname || '.' || c.relname, pg_total_relation_size(c.oid),
       greatest(c.reltuples, 0)::bigint
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = to_regclass(%s)
"""


@dataclass(frozen=True, slots=True)
class TableSize:
    table: str
    bytes: int
    estimated_rows: int


@dataclass(frozen=True, slots=True)
class PlannedStatement:
    line: int
    sql: str
    lock: LockImpact
    autocommit: bool
    tables: tuple[TableSize, ...]


@dataclass(frozen=True, slots=True)
class PlannedFile:
    file: MigrationFile
    transactional: bool
    statements: tuple[PlannedStatement, ...]
    lint: tuple[Violation, ...]
    preflight: tuple[PreflightResult, ...]
    equivalents: tuple[Equivalent, ...] = ()

    @property
    def blocked(self) -> bool:
        return any(not p.passed for p in self.preflight) or any(
            v.severity.value == "error" for v in self.lint
        )


@dataclass(frozen=True, slots=True)
class MigrationPlan:
    files: tuple[PlannedFile, ...]
    drifted: tuple[MigrationFile, ...]

    @property
    def ok(self) -> bool:
        return not self.drifted and not any(f.blocked for f in self.files)


def migration_plan(settings: Settings, sql_dir: Path) -> MigrationPlan:
    """Describe what `migrate` would do now, without doing any of it."""
    versioned, repeatable = load_migrations(sql_dir)
    with connect(replace(settings, read_only=True), application_name="cfbops plan") as conn:
        state = migration_state(conn, versioned, repeatable)
        files = tuple(
            _plan_file(conn, file, [f.statements for f in versioned if f.sort_key < file.sort_key])
            for file in state.pending
        )
    return MigrationPlan(files, state.drifted)


def _plan_file(
    conn: psycopg.Connection, file: MigrationFile, earlier: list[list[Statement]]
) -> PlannedFile:
    statements = file.statements
    present = present_equivalents(conn, statements, earlier) if file.version is not None else {}
    transactional = not file.directives.no_transaction and not any(
        needs_autocommit(s) for s in statements
    )
    planned = tuple(_plan_statement(conn, s) for s in statements)
    return PlannedFile(
        file,
        transactional,
        planned,
        tuple(lint_sql(file.content, file.display_path)),
        tuple(run_preflight(conn, file, skip=present)) if file.version is not None else (),
        tuple(present.values()),
    )


def _plan_statement(conn: psycopg.Connection, statement: Statement) -> PlannedStatement:
    lock = lock_for(statement)
    sizes = []
    for table in lock.tables:
        row = conn.execute(TABLE_SIZE_SQL, (table,)).fetchone()
        if row is not None:
            sizes.append(TableSize(row[0], int(row[1]), int(row[2])))
    return PlannedStatement(
        statement.line, _formatted(statement.text), lock, needs_autocommit(statement), tuple(sizes)
    )


def _formatted(text: str) -> str:
    try:
        return prettify(text)
    except Exception:  # pglast cannot print every statement; the original text will do
        return text
