"""`migrate --plan` when a drop would take objects cfbops does not own: the pending files
run in one transaction that is rolled back (rehearsal.py decides what only gets planned),
so the plan can say which of those objects cannot be re-created, and why."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from cfbops.config import Settings
from cfbops.db.connect import connect
from cfbops.db.ops_objects import ENGINE_OBJECTS, ensure_objects
from cfbops.migrate.adopt.run import Runner, prepare_session, run_file, run_repeatables
from cfbops.migrate.apply import FailedFile, FileFailed
from cfbops.migrate.dependents.keeper import Keeper
from cfbops.migrate.dependents.model import LostDependent
from cfbops.migrate.equivalence import present_equivalents
from cfbops.migrate.files import MigrationFile
from cfbops.migrate.rehearsal import Rehearsal
from cfbops.migrate.session import capture_session
from cfbops.progress import TaskProgress, ignore_progress

READ_ONLY_NOTE = (
    "not rehearsed: --read-only forbids even a rolled-back run, so whether each kept object "
    "can be re-created is known only when migrate runs"
)


@dataclass(frozen=True, slots=True)
class RehearsedRun:
    """The rehearsal's findings: the first failure, and what it kept or could not."""

    failed: FailedFile | None = None
    kept: tuple[str, ...] = ()
    lost: tuple[LostDependent, ...] = ()
    planned: tuple[str, ...] = ()
    note: str = ""


def rehearse_run(
    settings: Settings,
    pending: list[MigrationFile],
    run: list[MigrationFile],
    drop_dependent: tuple[str, ...],
) -> RehearsedRun:
    """Run `pending` (versioned first, then repeatables) in a transaction rolled back."""
    versioned = [f for f in pending if f.version is not None]
    repeatables = [f for f in pending if f.version is None]
    rehearsal = Rehearsal()
    progress = TaskProgress(ignore_progress, "plan")
    kept: list[str] = []
    failed: FailedFile | None = None
    with connect(settings, application_name="cfbops plan") as conn:
        prepare_session(conn, settings)
        session = capture_session(conn)  # what each file's SETs are undone to
        with conn.transaction():
            ensure_objects(conn, ENGINE_OBJECTS)
            try:
                for file in versioned:
                    earlier = [f.statements for f in versioned if f.sort_key < file.sort_key]
                    present = present_equivalents(conn, file.statements, earlier)
                    keeper = Keeper(conn, run, drop_dependent, populate=False)
                    runner = Runner(progress, keeper, rehearsal, session)
                    run_file(conn, file, file, _no_record, runner, present)
                    kept += [s.label for s in runner.keeper.report.recreated]
                if repeatables:
                    keeper = Keeper(conn, repeatables, drop_dependent, populate=False)
                    run_repeatables(conn, repeatables, Runner(progress, keeper, rehearsal, session))
                    kept += [s.label for s in keeper.report.recreated]
            except FileFailed as stopped:
                failed = stopped.failure
            raise psycopg.Rollback()  # a rehearsal changes nothing
    return RehearsedRun(
        failed, tuple(kept), failed.lost if failed else (), tuple(rehearsal.planned)
    )


def _no_record(ms: int) -> None:
    del ms  # a rehearsal writes no history
