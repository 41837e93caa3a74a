"""`migrate --adopt`: bring a warehouse that already exists under cfbops.

Every pending versioned file is compared with the catalog first, all of them, before
anything changes (the plan assumes each file's missing objects for the files after it).
A difference (a column that cannot be added in place, another type, a key of the same
name meaning something else) stops the run with the report and nothing applied.
Otherwise, file by file (execute.py): what stands is recorded as adopted (kind 'adopted'
in ops.schema_history, each object in ops.adopted_objects); a file of which part stands
runs only the rest, in one transaction with its history row; a file of which nothing
stands runs as a plain migrate would. Then the repeatables. Objects cfbops does not own
that a drop takes are saved and re-created in the same transaction. Safe to run again:
only pending files are compared.

`--plan --adopt` compares without changing anything, then rehearses the whole adoption in
one transaction it rolls back, to name the first statement that would fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import psycopg
from pglast import ast
from pglast.enums import AlterTableType

from cfbops.config import Settings
from cfbops.db.connect import connect, require_writable
from cfbops.db.locks import OPERATIONS_LOCK, LockHolder, advisory_lock
from cfbops.db.ops_objects import ENGINE_OBJECTS, ensure_objects
from cfbops.errors import ExitCode
from cfbops.migrate.adopt.catalog import Catalog
from cfbops.migrate.adopt.compare import Comparer
from cfbops.migrate.adopt.execute import (
    Execution,
    execute_adoption,
    remainder_file,
)
from cfbops.migrate.adopt.model import FileAction, FileAdoption, ObjectReport, ObjectState
from cfbops.migrate.adopt.run import prepare_session
from cfbops.migrate.apply import AppliedFile, FailedFile, summarized
from cfbops.migrate.dependents.model import KeptSummary, LostDependent
from cfbops.migrate.equivalence import defined_constraint, present_equivalents
from cfbops.migrate.files import MigrationFile, load_migrations
from cfbops.migrate.preflight import PreflightResult, orphans_check, run_preflight
from cfbops.migrate.rehearsal import Rehearsal
from cfbops.migrate.state import migration_state
from cfbops.migrate.statements import Statement, qualified_name
from cfbops.progress import ProgressCallback, TaskProgress, ignore_progress

# Tables cfbops's engine creates for itself; never "extra".
ENGINE_TABLES = frozenset(ENGINE_OBJECTS)


@dataclass(frozen=True, slots=True)
class AdoptResult:
    """The per-file, per-object comparison, and what the run did with it."""

    files: tuple[FileAdoption, ...]
    extras: tuple[ObjectReport, ...] = ()
    applied: tuple[AppliedFile, ...] = ()
    adopted: tuple[str, ...] = ()
    pending_repeatable: tuple[MigrationFile, ...] = ()
    preflight: tuple[PreflightResult, ...] = ()
    drifted: tuple[MigrationFile, ...] = ()
    failed: FailedFile | None = None
    executed: bool = False
    dependents: KeptSummary = field(default_factory=KeptSummary)  # objects it does not own
    lost: tuple[LostDependent, ...] = ()  # dependents that cannot be re-created
    rehearsed: bool = False  # the whole adoption ran in a transaction rolled back
    planned: tuple[str, ...] = ()  # what the rehearsal planned instead of running
    note: str = ""  # why the plan was not rehearsed

    @property
    def blocked(self) -> tuple[FileAdoption, ...]:
        return tuple(f for f in self.files if f.action == FileAction.BLOCKED)

    @property
    def ok(self) -> bool:
        return (
            not self.drifted
            and self.failed is None
            and not self.blocked
            # a check on data the file changes first is counted again as it runs
            and all(p.passed or p.after_lines for p in self.preflight)
        )

    @property
    def exit_code(self) -> ExitCode:
        return FailedFile.exit_code_of(self.failed, self.ok)

    def summary(self) -> str:
        """One line: what the adoption did (or the rehearsal found), or why not."""
        if self.drifted:
            return "adoption refused: applied files were edited since they ran"
        if self.blocked:
            return f"adoption refused: {len(self.blocked)} file(s) differ from the database"
        if self.failed is not None:
            return f"adoption failed at {self.failed.name}: {self.failed.error}"
        if not self.executed:
            return "adoption planned" + (": the rehearsal ran through" if self.rehearsed else "")
        return f"adopted {len(self.adopted)} file(s), applied {len(self.applied)} file(s)"


def _extra_tables(catalog: Catalog, versioned: list[MigrationFile]) -> tuple[ObjectReport, ...]:
    """Tables in the files' schemas that no file creates: reported, left alone."""
    known: set[str] = set()
    for file in versioned:
        for statement in file.statements:
            if isinstance(statement.node, ast.CreateStmt):
                known.add(qualified_name(statement.node.relation))
    schemas = sorted({name.split(".")[0] for name in known})
    return tuple(
        ObjectReport(
            None, "table", table, ObjectState.EXTRA, "no cfbops file creates it; left alone"
        )
        for table in catalog.tables_in(schemas)
        if table not in known and table not in ENGINE_TABLES
    )


def _preflight_of(
    conn: psycopg.Connection, adoption: FileAdoption, versioned: list[MigrationFile]
) -> list[PreflightResult]:
    file = adoption.file
    earlier = [f.statements for f in versioned if f.sort_key < file.sort_key]
    if adoption.action == FileAction.COMPLETE:
        ran = remainder_file(file, adoption.runs)
        return run_preflight(conn, ran) + _planned_validations(conn, ran, earlier)
    if adoption.action == FileAction.APPLY:
        present = present_equivalents(conn, file.statements, earlier)
        checks = run_preflight(conn, file, skip=present)
        return checks + _planned_validations(conn, file, earlier)
    return []


def _planned_validations(
    conn: psycopg.Connection, file: MigrationFile, earlier: list[list[Statement]]
) -> list[PreflightResult]:
    """Orphan checks for VALIDATE of a key an earlier file only plans to add: the plan
    cannot find it in the catalog, so it reads its definition from that file."""
    results = []
    for statement in file.statements:
        node = statement.node
        if not isinstance(node, ast.AlterTableStmt):
            continue
        table = qualified_name(node.relation)
        for command in node.cmds or ():
            if command.subtype != AlterTableType.AT_ValidateConstraint:
                continue
            exists = conn.execute(
                "SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass(%s) AND conname = %s",
                (table, command.name),
            ).fetchone()
            shape = defined_constraint([*earlier, file.statements], table, command.name)
            if exists or shape is None or shape.kind != "foreign" or not shape.target:
                continue
            check = orphans_check(
                statement.line,
                table,
                [c or "" for c in shape.columns],
                shape.target,
                list(shape.target_columns),
            )
            if conn.execute("SELECT to_regclass(%s) IS NULL", (table,)).fetchone()[0]:
                continue
            count = conn.execute(check.count_sql).fetchone()[0]
            sample = tuple(r[0] for r in conn.execute(check.sample_sql).fetchall()) if count else ()
            results.append(
                PreflightResult(
                    file.display_path, statement.line, "orphans", check.target, count, sample
                )
            )
    return results


def adoption_plan(
    settings: Settings,
    sql_dir: Path,
    *,
    drop_dependent: tuple[str, ...] = (),
    wait_s: float | None = 60.0,
) -> AdoptResult:
    """What `migrate --adopt` would do, per file and per object, then (unless --read-only)
    the whole adoption rehearsed in a transaction that is rolled back."""
    versioned, repeatable = load_migrations(sql_dir)
    with connect(replace(settings, read_only=True), application_name="cfbops plan") as conn:
        state = migration_state(conn, versioned, repeatable)
        catalog = Catalog(conn)
        comparer = Comparer(catalog, versioned)
        files = []
        checks: list[PreflightResult] = []
        for file in state.pending_versioned:
            # Pre-flight first: it must see the data as it is, before this file's overlay.
            adoption = comparer.compare(file, assume=False)
            checks += _preflight_of(conn, adoption, versioned)
            files.append(comparer.compare(file, assume=True))
        compared = AdoptResult(
            tuple(files),
            _extra_tables(catalog, versioned),
            pending_repeatable=state.pending_repeatable,
            preflight=tuple(checks),
            drifted=state.drifted,
        )
    if not compared.ok or not (compared.files or compared.pending_repeatable):
        return compared
    if settings.read_only:
        return replace(compared, note="not rehearsed: --read-only forbids even a rolled-back run")
    return _rehearse(settings, (versioned, repeatable), compared, drop_dependent, wait_s)


def _rehearse(
    settings: Settings,
    files: tuple[list[MigrationFile], list[MigrationFile]],
    compared: AdoptResult,
    drop_dependent: tuple[str, ...],
    wait_s: float | None,
) -> AdoptResult:
    reporter = TaskProgress(ignore_progress, "plan")
    rehearsal = Rehearsal()
    with connect(settings, application_name="cfbops plan --adopt") as conn:
        prepare_session(conn, settings)
        with advisory_lock(conn, OPERATIONS_LOCK, wait_s=wait_s):
            with conn.transaction():
                ensure_objects(conn, ENGINE_OBJECTS)
                state = migration_state(conn, *files)
                planner = Comparer(Catalog(conn), files[0])
                planned = tuple(planner.compare(f, assume=True) for f in state.pending_versioned)
                run = execute_adoption(conn, files, planned, reporter, drop_dependent, rehearsal)
                raise psycopg.Rollback()  # a rehearsal changes nothing
    return replace(
        compared,
        failed=run.failed,
        dependents=summarized(run.kept, run.carry),
        lost=run.failed.lost if run.failed else (),
        rehearsed=True,
        planned=tuple(rehearsal.planned),
    )


def adopt(
    settings: Settings,
    *,
    sql_dir: Path,
    wait_s: float | None = 60.0,
    drop_dependent: tuple[str, ...] = (),
    progress: ProgressCallback = ignore_progress,
) -> AdoptResult:
    """Compare, then adopt what stands, apply what is missing, then the repeatables."""
    require_writable(settings, "migrate --adopt")
    versioned, repeatable = load_migrations(sql_dir)
    for file in versioned + repeatable:
        _ = file.statements  # a syntax error stops the run before any SQL
    reporter = TaskProgress(progress, "adopt")
    with connect(settings, application_name="cfbops migrate --adopt") as conn:
        prepare_session(conn, settings)

        def waiting(holder: LockHolder | None, left: float) -> None:
            who = holder.describe() if holder else "another session"
            reporter.note(f"waiting for the migration lock held by {who} ({left:.0f}s left)")

        with advisory_lock(conn, OPERATIONS_LOCK, wait_s=wait_s, on_wait=waiting):
            ensure_objects(conn, ENGINE_OBJECTS)
            state = migration_state(conn, versioned, repeatable)
            if state.drifted:
                return AdoptResult((), drifted=state.drifted)
            planner = Comparer(Catalog(conn), versioned)
            planned = tuple(planner.compare(f, assume=True) for f in state.pending_versioned)
            extras = _extra_tables(planner.catalog, versioned)
            if any(f.action == FileAction.BLOCKED for f in planned):
                return AdoptResult(planned, extras, pending_repeatable=state.pending_repeatable)
            run = execute_adoption(conn, (versioned, repeatable), planned, reporter, drop_dependent)
            return _outcome(run, extras)


def _outcome(run: Execution, extras: tuple[ObjectReport, ...]) -> AdoptResult:
    return AdoptResult(
        tuple(run.done),
        extras,
        tuple(run.applied),
        tuple(run.adopted),
        failed=run.failed,
        executed=True,
        dependents=summarized(run.kept, run.carry),
        lost=run.failed.lost if run.failed else (),
    )
