"""Rendering of `migrate --adopt` and `migrate --plan --adopt`: per file, per object."""

from __future__ import annotations

import argparse
from pathlib import Path

from cfbops.commands.base import Outcome
from cfbops.config import Settings
from cfbops.errors import ExitCode, UsageError
from cfbops.migrate.adopt.adoption import AdoptResult, adopt, adoption_plan
from cfbops.migrate.adopt.model import FileAdoption
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
    if args.plan:
        result = adoption_plan(settings, sql_dir)
    else:
        result = adopt(
            settings,
            sql_dir=sql_dir,
            wait_s=None if args.no_wait else args.wait,
            progress=progress,
        )
    return Outcome(
        adopt_document(result),
        adopt_text(result, planned=args.plan),
        ExitCode.OK if result.ok else ExitCode.FAILED,
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
    }
    if result.failed is not None:
        document["failed"] = {
            "version": result.failed.version,
            "name": result.failed.name,
            "line": result.failed.line,
            "error": result.failed.error,
            "preflight": [p.as_dict() for p in result.failed.preflight],
        }
    return document


def _object_line(outcome: Found, line: int | None, kind: str, name: str, detail: str) -> str:
    where = f"line {line}: " if line else ""
    text = f"    {outcome.value:<10} {where}{kind} {name}"
    return text + (f" — {detail}" if detail else "")


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
            lines.append(_object_line(o.outcome, o.line, o.kind, o.name, o.detail))
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
    if result.failed is not None:
        lines.append(f"FAILED {result.failed.error}")
        for check in result.failed.preflight:
            lines.append(f"  {check.message()}")
            lines += [f"    {row}" for row in check.sample]
        lines.append("Nothing of that file was applied; the files before it stand recorded.")
    if planned:
        if result.pending_repeatable:
            lines.append(f"Then {len(result.pending_repeatable)} repeatable file(s) are applied.")
    elif result.executed and result.failed is None:
        lines.append(
            f"Adopted {len(result.adopted)} file(s); applied {len(result.applied)} file(s)."
        )
    return "\n".join(lines)
