"""Running a compared adoption, file by file: what stands is recorded, what is missing
runs, then the repeatables; every transaction keeps the dependents its drops take. The
same path serves the rehearsal of `--plan --adopt`, inside a transaction rolled back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import psycopg

from cfbops.migrate import history
from cfbops.migrate.adopt.catalog import Catalog
from cfbops.migrate.adopt.compare import Comparer
from cfbops.migrate.adopt.model import FileAction, FileAdoption, Runnable
from cfbops.migrate.adopt.run import Runner, run_file, run_repeatables
from cfbops.migrate.apply import AppliedFile, FailedFile, FileFailed
from cfbops.migrate.dependents.carry import Carry
from cfbops.migrate.dependents.keeper import Keeper
from cfbops.migrate.dependents.model import KeptReport
from cfbops.migrate.equivalence import present_equivalents
from cfbops.migrate.files import MigrationFile
from cfbops.migrate.rehearsal import Rehearsal
from cfbops.migrate.session import capture_session
from cfbops.migrate.state import migration_state
from cfbops.progress import TaskProgress

RECORD_OBJECT_SQL = """
INSERT INTO ops.adopted_objects (version, line, kind, object, outcome, detail)
VALUES (%s, %s, %s, %s, %s, %s)
"""


@dataclass(slots=True)
class Execution:
    """What an adoption did, file by file, until it finished or a file failed."""

    done: list[FileAdoption] = field(default_factory=list)
    applied: list[AppliedFile] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    kept: KeptReport = field(default_factory=KeptReport)
    carry: Carry = field(default_factory=Carry)
    failed: FailedFile | None = None


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


def execute_adoption(
    conn: psycopg.Connection,
    files: tuple[list[MigrationFile], list[MigrationFile]],
    planned: Sequence[FileAdoption],
    reporter: TaskProgress,
    drop_dependent: tuple[str, ...] = (),
    rehearsal: Rehearsal | None = None,
) -> Execution:
    """Adopt, complete or apply each planned file, each in its transaction, then the
    repeatables in one; stop at the first failure (what ran before it stands)."""
    versioned, repeatable = files
    live = Comparer(Catalog(conn), versioned)
    run = Execution()
    session = capture_session(conn)  # what each file's SETs are undone to
    reporter.total = len(planned) + 1
    # Every repeatable may come back (the state is looked at again before them), so what
    # a versioned file's drop takes is saved only when no file of the project re-creates it.
    everything = [*(p.file for p in planned), *repeatable]

    def runner(keeper_files: list[MigrationFile]) -> Runner:
        keeper = Keeper(
            conn, keeper_files, drop_dependent, populate=rehearsal is None, carry=run.carry
        )
        return Runner(reporter, keeper, rehearsal, session)

    try:
        for plan in planned:
            file = plan.file
            # Compared again against the catalog as the files before it left it.
            adoption = live.compare(file, assume=False)
            run.done.append(adoption)
            if adoption.action == FileAction.BLOCKED:
                raise FileFailed(_blocked(adoption))
            this = runner(everything)
            if adoption.action == FileAction.APPLY:
                earlier = [f.statements for f in versioned if f.sort_key < file.sort_key]
                present = present_equivalents(conn, file.statements, earlier)
                run.applied.append(
                    run_file(conn, file, file, _versioned_row(conn, file), this, present)
                )
            else:
                if adoption.action == FileAction.ADOPT:
                    with conn.transaction():
                        _adopted_row(conn, adoption)(0)
                else:
                    rest = remainder_file(file, adoption.runs)
                    run.applied.append(
                        run_file(conn, file, rest, _adopted_row(conn, adoption), this)
                    )
                run.adopted.append(file.version or "")
            _merge(run.kept, this.keeper)
            reporter.step(f"V{file.version} {file.name}: {adoption.action.value}")
        pending = list(migration_state(conn, versioned, repeatable).pending_repeatable)
        if pending:
            this = runner(pending)
            run.applied += run_repeatables(conn, pending, this)
            _merge(run.kept, this.keeper)
        reporter.step("repeatables applied")
    except FileFailed as failed:
        run.done += list(planned[len(run.done) :])
        run.failed = failed.failure
    return run


def _merge(into: KeptReport, keeper: Keeper | None) -> None:
    if keeper is not None:
        into.recreated += keeper.report.recreated
        into.accepted += [a for a in keeper.report.accepted if a not in into.accepted]


def _versioned_row(conn: psycopg.Connection, file: MigrationFile) -> Callable[[int], None]:
    def record(ms: int) -> None:
        history.record(conn, file, duration_ms=ms, success=True)

    return record


def _adopted_row(conn: psycopg.Connection, adoption: FileAdoption) -> Callable[[int], None]:
    def record(ms: int) -> None:
        history.record_adopted(conn, adoption.file, duration_ms=ms)
        _record_objects(conn, adoption)

    return record


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
