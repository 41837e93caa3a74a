"""Rendering of `migrate --adopt` and `migrate --plan --adopt`: per file, per object."""

from __future__ import annotations

import argparse
from pathlib import Path

from cfbops.commands.base import Outcome
from cfbops.commands.migrate_report import (
    dependents_document,
    dependents_lines,
    failure_lines,
    lost_document,
)
from cfbops.config import Settings
from cfbops.errors import UsageError
from cfbops.migrate.adopt.adoption import AdoptResult, adopt, adoption_plan
from cfbops.migrate.adopt.model import FileAdoption, ObjectReport
from cfbops.migrate.adopt.model import ObjectState as Found
from cfbops.progress import ProgressCallback

# What each file's action means, in the words the report uses.
ACTION_TEXT = {
    "adopt": "adopted: every object stands; nothing runs",
    "complete": "part stands: the rest runs, then the file is recorded as adopted",
    "apply": "nothing stands: applied like a plain migrate",
    "blocked": "differs from the database: nothing runs until resolved",
}


def run_adopt(
    settings: Settings, args: argparse.Namespace, sql_dir: Path, progress: ProgressCallback
) -> Outcome:
    for flag, given in (("--to", args.to), ("--baseline", args.baseline)):
        if given:
            raise UsageError(f"--adopt compares every pending file; drop {flag}")
    if args.accept_drift:
        raise UsageError("--adopt cannot accept drift; run migrate --accept-drift first")
    wait_s = None if args.no_wait else args.wait
    drop = tuple(args.drop_dependent)
    if args.plan:
        result = adoption_plan(settings, sql_dir, drop_dependent=drop, wait_s=wait_s)
    else:
        result = adopt(
            settings, sql_dir=sql_dir, wait_s=wait_s, drop_dependent=drop, progress=progress
        )
    return Outcome(
        adopt_document(result),
        adopt_text(result, planned=args.plan),
        result.exit_code,
    )


def _file_document(adoption: FileAdoption) -> dict:
    file = adoption.file
    return {
        "version": file.version,
        "name": file.name,
        "file": file.display_path,
        "action": adoption.action.value,
        "objects": [o.as_dict() for o in adoption.objects],
        "runs": [{"line": r.line, "sql": r.text} for r in adoption.runs],
    }


def adopt_document(result: AdoptResult) -> dict:
    document: dict = {
        "files": [_file_document(f) for f in result.files],
        "extra": [o.as_dict() for o in result.extras],
        "adopted": list(result.adopted),
        "applied": [
            {
                "version": a.version,
                "name": a.name,
                "kind": a.kind,
                "duration_ms": a.duration_ms,
                "equivalents": list(a.equivalents),
            }
            for a in result.applied
        ],
        "pending": [
            {"version": f.version, "name": f.name, "kind": f.kind.value, "duration_ms": None}
            for f in ([] if result.executed else [a.file for a in result.files])
            + list(result.pending_repeatable)
        ],
        "drifted": [{"version": f.version, "name": f.name} for f in result.drifted],
        "preflight": [p.as_dict() for p in result.preflight],
        "executed": result.executed,
        "rehearsed": result.rehearsed,
        "planned_not_run": list(result.planned),
        "dependents": {
            **dependents_document(result.dependents),
            "cannot_be_recreated": [lost_document(x) for x in result.lost],
        },
    }
    if result.note:
        document["note"] = result.note
    if result.failed is not None:
        document["failed"] = {
            "version": result.failed.version,
            "name": result.failed.name,
            "line": result.failed.line,
            "error": result.failed.error,
            "fix": result.failed.fix or None,
            "preflight": [p.as_dict() for p in result.failed.preflight],
        }
        document["stands"] = stands_text(result) if result.executed else None
    return document


def _object_lines(report: ObjectReport) -> list[str]:
    where = f"line {report.line}: " if report.line else ""
    text = f"    {report.outcome.value:<10} {where}{report.kind} {report.name}"
    lines = [text + (f" — {report.detail}" if report.detail else "")]
    if report.fix and report.outcome != Found.ALTERED:
        lines.append(f"               fix: {report.fix}")
    return lines


def stands_text(result: AdoptResult) -> str:
    """After a failed --adopt: exactly what of it stands."""
    recorded = {a.version for a in result.applied if a.version} | set(result.adopted)
    versions = [f.file.version for f in result.files if f.file.version in recorded]
    repeatables = [a for a in result.applied if a.version is None]
    if not versions and not repeatables:
        return "Nothing was changed."
    listed = ", ".join(f"V{v}" for v in versions) or "no versioned file"
    text = f"Stands, recorded in ops.schema_history: {listed}"
    if repeatables:
        text += f" and {len(repeatables)} repeatable file(s)"
    failed = result.failed.name if result.failed else "the failed file"
    return text + (
        f". Nothing of {failed} or after it was applied (indexes built CONCURRENTLY before it "
        "stand). Fix it and run migrate --adopt again: it compares what is still pending and "
        "carries on."
    )


def adopt_text(result: AdoptResult, *, planned: bool) -> str:
    lines: list[str] = []
    if result.drifted:
        lines.append("Refusing to adopt: applied files were edited since they ran (drift):")
        lines += [f"  V{f.version} {f.display_path}" for f in result.drifted]
        return "\n".join(lines)
    if not result.files:
        lines.append("No pending versioned file: nothing to compare.")
    for adoption in result.files:
        file = adoption.file
        lines.append(
            f"== V{file.version} {file.display_path}: {ACTION_TEXT[adoption.action.value]}"
        )
        for o in adoption.objects:
            lines += _object_lines(o)
        if adoption.action.value == "complete":
            lines += [f"    runs line {r.line}: {r.text.splitlines()[0]}" for r in adoption.runs]
    if result.extras:
        lines.append(f"Tables no cfbops file knows ({len(result.extras)}), left alone:")
        lines += [f"    {o.name}" for o in result.extras]
    for check in result.preflight:
        status = "ok" if check.passed else "FAILS"
        lines.append(f"pre-flight {status}: {check.message()}")
    if result.blocked:
        lines.append(
            f"{len(result.blocked)} file(s) differ from the database; nothing was changed. "
            "Fix the database or the file, then run migrate --adopt again."
        )
    if planned and result.pending_repeatable:
        lines.append(f"Then {len(result.pending_repeatable)} repeatable file(s) are applied.")
    if result.note:
        lines.append(result.note)
    if result.rehearsed:
        lines.append(
            "Rehearsed: the whole adoption ran in one transaction, rolled back "
            f"({len(result.planned)} statement(s) planned, not run: index builds and "
            "validations on standing tables, materialized views left unfilled)."
        )
    lines += dependents_lines(result.dependents)
    if result.failed is not None:
        if planned:
            lines.append("The rehearsal stops at the first statement that fails:")
        lines += failure_lines(result.failed)
        if result.executed:
            lines.append(stands_text(result))
    elif planned and result.rehearsed:
        lines.append("migrate --adopt would finish: every statement ran in the rehearsal.")
    elif result.executed:
        lines.append(
            f"Adopted {len(result.adopted)} file(s); applied {len(result.applied)} file(s)."
        )
    return "\n".join(lines)
