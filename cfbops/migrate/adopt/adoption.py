"""`migrate --adopt`: bring a warehouse that already exists under cfbops.

Every pending versioned file is compared with the catalog first, all of them, before
anything changes (the plan assumes each file's missing objects for the files after it).
A difference (a missing column, another type, a key of the same name meaning something
else) stops the run with the report and nothing applied. Otherwise, file by file: what
stands is recorded as adopted (kind 'adopted' in ops.schema_history, each object in
ops.adopted_objects); a file of which part stands runs only the rest, in one transaction
with its history row; a file of which nothing stands runs as a plain migrate would. Then
the repeatables. Safe to run again: only pending files are compared.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
from pglast import ast
from pglast.enums import AlterTableType

from cfbops.config import Settings
from cfbops.db.connect import connect, require_writable
from cfbops.db.locks import OPERATIONS_LOCK, LockHolder, advisory_lock
from cfbops.db.ops_objects import ENGINE_OBJECTS, ensure_objects
from cfbops.migrate import history
from cfbops.migrate.adopt.catalog import Catalog
from cfbops.migrate.adopt.compare import Comparer
from cfbops.migrate.adopt.model import (
    FileAction,
    FileAdoption,
    ObjectReport,
    ObjectState,
    Runnable,
)
from cfbops.migrate.adopt.run import prepare_session, run_file, run_repeatables
from cfbops.migrate.apply import AppliedFile, FailedFile, FileFailed
from cfbops.migrate.equivalence import defined_constraint, present_equivalents
from cfbops.migrate.files import MigrationFile, load_migrations
from cfbops.migrate.preflight import PreflightResult, orphans_check, run_preflight
from cfbops.migrate.state import migration_state
from cfbops.migrate.statements import Statement, qualified_name
from cfbops.progress import ProgressCallback, TaskProgress, ignore_progress

# Tables cfbops's engine creates for itself; never "extra".
ENGINE_TABLES = frozenset(ENGINE_OBJECTS)


RECORD_OBJECT_SQL = """
INSERT INTO ops.adopted_objects (version, line, kind, object, outcome, detail)
VALUES (%s, %s, %s, %s, %s, %s)
"""


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

    @property
    def blocked(self) -> tuple[FileAdoption, ...]:
        return tuple(f for f in self.files if f.action == FileAction.BLOCKED)

    @property
    def ok(self) -> bool:
        return (
            not self.drifted
            and self.failed is None
            and not self.blocked
            and all(p.passed for p in self.preflight)
        )


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


def remainder_file(file: MigrationFile, runs: tuple[Runnable, ...]) -> MigrationFile:
    """The part of `file` still to run, each statement at its own line (errors and
    pre-flight results then point into the real file)."""
    parts: list[str] = []
    line = 1
    for run in sorted(runs, key=lambda r: r.line):
        if run.line > line:
            parts.append("\n" * (run.line - line))
            line = run.line
        parts.append(run.text + ";\n")
        line += run.text.count("\n") + 1
    return MigrationFile(file.kind, file.version, file.name, file.path, "".join(parts))


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


def adoption_plan(settings: Settings, sql_dir: Path) -> AdoptResult:
    """What `migrate --adopt` would do, per file and per object; changes nothing."""
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
        return AdoptResult(
            tuple(files),
            _extra_tables(catalog, versioned),
            pending_repeatable=state.pending_repeatable,
            preflight=tuple(checks),
            drifted=state.drifted,
        )


def adopt(
    settings: Settings,
    *,
    sql_dir: Path,
    wait_s: float | None = 60.0,
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
            return _execute(conn, versioned, repeatable, planned, extras, reporter)


def _execute(
    conn: psycopg.Connection,
    versioned: list[MigrationFile],
    repeatable: list[MigrationFile],
    planned: tuple[FileAdoption, ...],
    extras: tuple[ObjectReport, ...],
    reporter: TaskProgress,
) -> AdoptResult:
    live = Comparer(Catalog(conn), versioned)
    done: list[FileAdoption] = []
    applied: list[AppliedFile] = []
    adopted: list[str] = []
    reporter.total = len(planned) + 1
    try:
        for plan in planned:
            file = plan.file
            # Compared again against the catalog as the files before it left it.
            adoption = live.compare(file, assume=False)
            done.append(adoption)
            if adoption.action == FileAction.BLOCKED:
                raise FileFailed(_blocked(adoption))
            if adoption.action == FileAction.APPLY:
                earlier = [f.statements for f in versioned if f.sort_key < file.sort_key]
                present = present_equivalents(conn, file.statements, earlier)

                def versioned_row(ms: int, file: MigrationFile = file) -> None:
                    history.record(conn, file, duration_ms=ms, success=True)

                applied.append(run_file(conn, file, file, versioned_row, reporter, present))
            else:

                def adopted_row(ms: int, adoption: FileAdoption = adoption) -> None:
                    history.record_adopted(conn, adoption.file, duration_ms=ms)
                    _record_objects(conn, adoption)

                if adoption.action == FileAction.ADOPT:
                    with conn.transaction():
                        adopted_row(0)
                else:
                    rest = remainder_file(file, adoption.runs)
                    applied.append(run_file(conn, file, rest, adopted_row, reporter))
                adopted.append(file.version or "")
            reporter.step(f"V{file.version} {file.name}: {adoption.action.value}")
        state = migration_state(conn, versioned, repeatable)
        if state.pending_repeatable:
            applied += run_repeatables(conn, list(state.pending_repeatable), reporter)
        reporter.step("repeatables applied")
    except FileFailed as failed:
        done += list(planned[len(done) :])
        return AdoptResult(
            tuple(done),
            extras,
            tuple(applied),
            tuple(adopted),
            failed=failed.failure,
            executed=True,
        )
    return AdoptResult(tuple(done), extras, tuple(applied), tuple(adopted), executed=True)


def _blocked(adoption: FileAdoption) -> FailedFile:
    first = adoption.differences[0]
    file = adoption.file
    return FailedFile(
        file.version,
        file.name,
        file.kind.value,
        f"{file.display_path}:{first.line}: {first.name} {first.detail}",
        first.line,
    )


def _record_objects(conn: psycopg.Connection, adoption: FileAdoption) -> None:
    for report in adoption.objects:
        conn.execute(
            RECORD_OBJECT_SQL,
            (
                adoption.file.version,
                report.line,
                report.kind,
                report.name,
                report.outcome.value,
                report.detail,
            ),
        )
