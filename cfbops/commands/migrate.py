"""`cfbops --headless migrate`: apply pending migrations, or show the plan."""

from __future__ import annotations

import argparse
from pathlib import Path

from cfbops.commands.arguments import qualified_object, seconds, version
from cfbops.commands.base import Command, Outcome
from cfbops.commands.migrate_report import (
    dependents_document,
    dependents_lines,
    failure_lines,
    lost_document,
)
from cfbops.config import Settings
from cfbops.headless import render_table
from cfbops.migrate.apply import MigrateResult, migrate
from cfbops.migrate.files import MigrationFile
from cfbops.migrate.lock_attempts import DEFAULT_LOCK_WAIT_S
from cfbops.progress import ProgressCallback


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plan",
        action="store_true",
        help="show each pending statement, its lock and pre-flight checks; change nothing",
    )
    parser.add_argument(
        "--to", metavar="V", type=version, help="apply versioned migrations up to V only"
    )
    wait = parser.add_mutually_exclusive_group()
    wait.add_argument(
        "--wait",
        metavar="SECONDS",
        type=seconds,
        default=60.0,
        help="how long to wait for another run's lock (default 60)",
    )
    wait.add_argument("--no-wait", action="store_true", help="exit 4 at once if locked")
    parser.add_argument(
        "--lock-wait",
        metavar="SECONDS",
        type=seconds,
        default=DEFAULT_LOCK_WAIT_S,
        help=(
            "how long one file may keep retrying for its table locks, in short tries that "
            f"never stall writers (default {DEFAULT_LOCK_WAIT_S:.0f}); then exit 4"
        ),
    )
    parser.add_argument(
        "--accept-drift",
        metavar="VERSION",
        type=version,
        action="append",
        default=[],
        help="accept the edited content of one applied file",
    )
    parser.add_argument(
        "--baseline",
        metavar="V",
        type=version,
        help="adopt an existing database: record versions up to V as applied",
    )
    parser.add_argument(
        "--adopt",
        action="store_true",
        help="an existing warehouse: record what already stands as adopted, apply the rest "
        "(with --plan: show the comparison and rehearse it in a transaction rolled back)",
    )
    parser.add_argument(
        "--drop-dependent",
        metavar="NAME",
        type=qualified_object,
        action="append",
        default=[],
        help="accept losing this object (schema.name) that cfbops does not own and a "
        "migration's DROP … CASCADE takes; without it such objects are saved and re-created, "
        "or the file rolls back naming them",
    )
    add_sql_dir_argument(parser)


def add_sql_dir_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sql-dir",
        metavar="DIR",
        type=Path,
        help="migration files (default: CFBOPS_SQL_DIR, sql_dir in the config file, "
        "or the project's sql/)",
    )


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    if args.adopt:
        from cfbops.commands.adopt import run_adopt

        return run_adopt(settings, args, settings.sql_dir, progress)
    if args.plan:
        from cfbops.commands.plan import run_plan

        return run_plan(settings, args, settings.sql_dir)
    result = migrate(
        settings,
        sql_dir=settings.sql_dir,
        to_version=args.to,
        wait_s=None if args.no_wait else args.wait,
        lock_wait_s=args.lock_wait,
        accept_drift=tuple(args.accept_drift),
        baseline=args.baseline,
        drop_dependent=tuple(args.drop_dependent),
        progress=progress,
    )
    return Outcome(migrate_document(result), migrate_text(result), result.exit_code)


def _ref(file: MigrationFile) -> dict:
    return {
        "version": file.version,
        "name": file.name,
        "kind": file.kind.value,
        "duration_ms": None,
    }


def migrate_document(result: MigrateResult) -> dict:
    document: dict = {
        "applied": [
            {
                "version": a.version,
                "name": a.name,
                "kind": a.kind,
                "duration_ms": a.duration_ms,
                "attempts": a.attempts,
                "equivalents": list(a.equivalents),
            }
            for a in result.applied
        ],
        "pending": [_ref(f) for f in result.pending],
        "drifted": [{"version": f.version, "name": f.name} for f in result.drifted],
        "retries": list(result.retries),
    }
    if result.baselined:
        document["baselined"] = list(result.baselined)
    if result.accepted:
        document["accepted_drift"] = [
            {
                "version": a.version,
                "file": a.file,
                "old_checksum": a.old_checksum,
                "new_checksum": a.new_checksum,
            }
            for a in result.accepted
        ]
    document["dependents"] = dependents_document(result.dependents)
    if result.failed is not None:
        failed = result.failed
        document["failed"] = {
            "version": failed.version,
            "name": failed.name,
            "kind": failed.kind,
            "line": failed.line,
            "error": failed.error,
            "fix": failed.fix or None,
            "preflight": [p.as_dict() for p in failed.preflight],
            "committed_lines": list(failed.committed_lines),
            "resume_line": failed.resume_line,
            "blockers": [b.as_dict() for b in failed.blockers],
            "lost_dependents": [lost_document(x) for x in failed.lost],
        }
    return document


def migrate_text(result: MigrateResult) -> str:
    lines = [
        f"Accepted the edited V{a.version} ({a.file}): its recorded checksum "
        f"{a.old_checksum[:12]}… is now {a.new_checksum[:12]}… (audit row in ops.accepted_drift)"
        for a in result.accepted
    ]
    if result.drifted:
        lines.append("Refusing to migrate: applied files were edited since they ran (drift):")
        lines += [f"  V{f.version} {f.display_path}" for f in result.drifted]
        lines.append("Restore each file, or accept one with --accept-drift VERSION.")
        return "\n".join(lines)
    if result.applied:
        rows = [(a.version or "R", a.name, a.kind, a.duration_ms) for a in result.applied]
        lines.append(render_table(("version", "name", "kind", "ms"), rows))
        for a in result.applied:
            lines += [f"  V{a.version} {note}" for note in a.equivalents]
    elif result.failed is None:
        lines.append("Nothing to migrate: the database is up to date.")
    lines += dependents_lines(result.dependents)
    if result.failed is not None:
        lines += failure_lines(result.failed)
        lines.append(result.failed.applied_text())
    if result.pending:
        lines.append(f"{len(result.pending)} file(s) still pending.")
    return "\n".join(lines)


COMMAND = Command(
    "migrate", "apply pending migrations (or --plan: only show them)", add_arguments, run
)
