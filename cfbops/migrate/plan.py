"""`migrate --plan`: every pending statement with its lock, the tables' sizes, lint and
pre-flight results. It changes nothing (the session is read-only)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
from pglast import prettify
from psycopg import sql

from cfbops.config import Settings
from cfbops.db.connect import connect
from cfbops.errors import LockBusy
from cfbops.migrate.cascade import cascade_victims
from cfbops.migrate.dependents.keeper import Keeper
from cfbops.migrate.equivalence import Equivalent, present_equivalents
from cfbops.migrate.files import MigrationFile, load_migrations
from cfbops.migrate.lint.linter import Violation, lint_sql
from cfbops.migrate.lock_attempts import (
    ATTEMPT_LOCK_TIMEOUT,
    DEFAULT_LOCK_WAIT_S,
    LockRetry,
    LockWaitExhausted,
)
from cfbops.migrate.lock_levels import LEVELS, NONE, LockImpact, lock_for
from cfbops.migrate.object_names import defined_objects
from cfbops.migrate.plan_rehearsal import READ_ONLY_NOTE, RehearsedRun, rehearse_run
from cfbops.migrate.preflight import PreflightResult, run_preflight
from cfbops.migrate.state import migration_state
from cfbops.migrate.statements import Statement, needs_autocommit
from cfbops.migrate.transaction_modes import mixing_problem, runs_in_transaction
from cfbops.progress import TaskProgress, ignore_progress

# A partitioned table has no storage of its own: its size is its partitions'.
TABLE_SIZE_SQL = """
SELECT n.nspname || '.' || c.relname,
       CASE WHEN c.relkind = 'p'
            THEN (SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0)::bigint
                  FROM pg_partition_tree(c.oid) AS t WHERE t.isleaf)
            ELSE pg_total_relation_size(c.oid) END,
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
    cascade: tuple[str, ...] = ()  # what a DROP … CASCADE would also drop (pg_depend)
    cascade_relations: tuple[str, ...] = ()  # those of them that are relations, qualified
    keeps: tuple[str, ...] = ()  # of those, what no file of the run re-creates: kept
    accepted: tuple[str, ...] = ()  # … and what --drop-dependent lets go


@dataclass(frozen=True, slots=True)
class PlannedFile:
    file: MigrationFile
    transactional: bool
    statements: tuple[PlannedStatement, ...]
    lint: tuple[Violation, ...]
    preflight: tuple[PreflightResult, ...]
    refusal: str | None = None  # why `migrate` would refuse the file before running anything
    reason: str | None = None  # why a repeatable is pending when its content has not changed
    equivalents: tuple[Equivalent, ...] = ()

    @property
    def blocked(self) -> bool:
        # A check counted before the file's own earlier statements may pass once they run.
        failing = any(not p.passed and not p.after_lines for p in self.preflight)
        return (
            failing
            or self.refusal is not None
            or any(v.severity.value == "error" for v in self.lint)
        )


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """The plan in a few figures."""

    versioned: int
    repeatable: int
    statements: int
    strongest_lock: str
    strongest_at: str | None
    tables: tuple[str, ...]
    lint_errors: int
    lint_warnings: int
    failing_checks: int
    refused: int

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.versioned + self.repeatable,
            "versioned": self.versioned,
            "repeatable": self.repeatable,
            "statements": self.statements,
            "strongest_lock": self.strongest_lock,
            "strongest_lock_at": self.strongest_at,
            "tables": list(self.tables),
            "lint_errors": self.lint_errors,
            "lint_warnings": self.lint_warnings,
            "failing_checks": self.failing_checks,
            "refused_files": self.refused,
        }


@dataclass(frozen=True, slots=True)
class MigrationPlan:
    files: tuple[PlannedFile, ...]
    drifted: tuple[MigrationFile, ...]
    # When a drop would take objects cfbops does not own, the run is rehearsed (rolled
    # back) to learn which of them cannot be re-created.
    rehearsal: RehearsedRun | None = None

    @property
    def ok(self) -> bool:
        failed = self.rehearsal is not None and self.rehearsal.failed is not None
        return not self.drifted and not any(f.blocked for f in self.files) and not failed

    @property
    def summary(self) -> PlanSummary:
        statements = [(f, s) for f in self.files for s in f.statements]
        strongest, at = NONE, None
        for planned, s in statements:
            level = s.lock.level
            if level in LEVELS and LEVELS.index(level) > LEVELS.index(strongest):
                strongest, at = level, f"{planned.file.display_path}:{s.line}"
        tables = sorted({t for _, s in statements for t in s.lock.tables})
        lint = [v for f in self.files for v in f.lint]
        errors = sum(1 for v in lint if v.severity.value == "error")
        return PlanSummary(
            versioned=sum(1 for f in self.files if f.file.version is not None),
            repeatable=sum(1 for f in self.files if f.file.version is None),
            statements=len(statements),
            strongest_lock=strongest,
            strongest_at=at,
            tables=tuple(tables),
            lint_errors=errors,
            lint_warnings=len(lint) - errors,
            failing_checks=sum(1 for f in self.files for p in f.preflight if not p.passed),
            refused=sum(1 for f in self.files if f.refusal is not None),
        )


def migration_plan(
    settings: Settings,
    sql_dir: Path,
    *,
    lock_wait_s: float = DEFAULT_LOCK_WAIT_S,
    drop_dependent: tuple[str, ...] = (),
) -> MigrationPlan:
    """Describe what `migrate` would do now, without doing any of it."""
    versioned, repeatable = load_migrations(sql_dir)
    with connect(replace(settings, read_only=True), application_name="cfbops plan") as conn:
        conn.execute(sql.SQL("SET lock_timeout = {}").format(sql.Literal(ATTEMPT_LOCK_TIMEOUT)))
        retry = LockRetry(TaskProgress(ignore_progress, "plan"), lock_wait_s)
        state = migration_state(conn, versioned, repeatable)
        run = [*state.pending_versioned, *repeatable]
        keeper = DependentsPreview(Keeper(conn, run, drop_dependent))
        try:
            files = [
                _plan_file(
                    conn,
                    file,
                    retry,
                    keeper,
                    [f.statements for f in versioned if f.sort_key < file.sort_key],
                )
                for file in state.pending_versioned
            ]
            files += _dragged_repeatables(
                conn, files, state.pending_repeatable, repeatable, retry, keeper
            )
        except LockWaitExhausted as exc:
            raise LockBusy(f"planning {exc}") from None
    plan = MigrationPlan(tuple(files), state.drifted)
    keeps = any(s.keeps for f in files for s in f.statements)
    if not keeps or not plan.ok:
        return plan
    if settings.read_only:
        return replace(plan, rehearsal=RehearsedRun(note=READ_ONLY_NOTE))
    pending = [f.file for f in files]
    return replace(plan, rehearsal=rehearse_run(settings, pending, run, drop_dependent))


def _dragged_repeatables(
    conn: psycopg.Connection,
    versioned: list[PlannedFile],
    pending: tuple[MigrationFile, ...],
    repeatable: list[MigrationFile],
    retry: LockRetry,
    keeper: DependentsPreview,
) -> list[PlannedFile]:
    """Pending repeatables, plus those whose objects a pending CASCADE would drop."""
    victims = {
        name: f"{planned.file.display_path}:{s.line}"
        for planned in versioned
        for s in planned.statements
        for name in s.cascade_relations
    }
    files = [_plan_file(conn, file, retry, keeper) for file in pending]
    for file in repeatable:
        if file in pending:
            continue
        dropped = sorted(defined_objects(file) & victims.keys())
        if dropped:
            reason = f"{dropped[0]} is dropped by the CASCADE at {victims[dropped[0]]}"
            files.append(replace(_plan_file(conn, file, retry, keeper), reason=reason))
    return files


def _plan_file(
    conn: psycopg.Connection,
    file: MigrationFile,
    retry: LockRetry,
    keeper: DependentsPreview,
    earlier: list[list[Statement]] | None = None,
) -> PlannedFile:
    # Table sizes and pre-flight counts meet the same locks as the statements would.
    planned, _ = retry.run(file.display_path, lambda: _plan_file_once(conn, file, keeper, earlier))
    return planned


def _plan_file_once(
    conn: psycopg.Connection,
    file: MigrationFile,
    keeper: DependentsPreview,
    earlier: list[list[Statement]] | None,
) -> PlannedFile:
    planned = tuple(_plan_statement(conn, s, keeper) for s in file.statements)
    present = (
        present_equivalents(conn, file.statements, earlier or ())
        if file.version is not None
        else {}
    )
    preflight = tuple(run_preflight(conn, file, skip=present)) if file.version is not None else ()
    return PlannedFile(
        file,
        runs_in_transaction(file),
        planned,
        tuple(lint_sql(file.content, file.display_path)),
        preflight,
        mixing_problem(file),
        None,
        tuple(present.values()),
    )


def _plan_statement(
    conn: psycopg.Connection, statement: Statement, keeper: DependentsPreview
) -> PlannedStatement:
    lock = lock_for(statement)
    sizes = []
    for table in lock.tables:
        row = conn.execute(TABLE_SIZE_SQL, (table,)).fetchone()
        if row is not None:
            sizes.append(TableSize(row[0], int(row[1]), int(row[2])))
    victims = cascade_victims(conn, statement.node)
    keeps, accepted = keeper.preview(statement)
    return PlannedStatement(
        statement.line,
        _formatted(statement.text),
        lock,
        needs_autocommit(statement),
        tuple(sizes),
        tuple(description for description, _ in victims),
        tuple(relation for _, relation in victims if relation),
        keeps,
        accepted,
    )


class DependentsPreview:
    """What each statement's drop would take that the keeper saves, each object listed once
    (at the first statement that takes it: nothing runs, so later drops find it again)."""

    def __init__(self, keeper: Keeper) -> None:
        self.keeper = keeper
        self.listed: set[str] = set()

    def preview(self, statement: Statement) -> tuple[tuple[str, ...], tuple[str, ...]]:
        before = len(self.keeper.report.accepted)
        found = self.keeper.would_keep(statement)
        keeps = tuple(d.name for d in found[0] if d.name not in self.listed) if found else ()
        self.listed.update(keeps)
        return keeps, tuple(self.keeper.report.accepted[before:])


def _formatted(text: str) -> str:
    try:
        return prettify(text)
    except Exception:  # pglast cannot print every statement; the original text will do
        return text
