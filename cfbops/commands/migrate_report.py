"""What `migrate` and `migrate --adopt` say about a failed file and about the objects they
do not own: kept (saved and re-created), dropped on request, or lost."""

from __future__ import annotations

from cfbops.migrate.apply import FailedFile
from cfbops.migrate.dependents.model import KeptSummary, LostDependent


def lost_document(lost: LostDependent) -> dict:
    return {
        "object": lost.name,
        "kind": lost.kind,
        "dropped_by": lost.dropped_by,
        "via": lost.via,
        "missing_columns": [f"{relation}.{column}" for relation, column in lost.missing],
        "reason": lost.reason(),
    }


def dependents_document(kept: KeptSummary) -> dict:
    return {
        "recreated": list(kept.recreated),
        "dropped_on_request": list(kept.dropped),
        "carried_over": list(kept.carried),
        "not_carried_over": list(kept.not_carried),
    }


def dependents_lines(kept: KeptSummary) -> list[str]:
    """What a run kept of the objects it does not own, and what it dropped on request."""
    lines = []
    if kept.recreated:
        lines.append(
            f"Kept {len(kept.recreated)} object(s) cfbops does not own that drops took: saved "
            "and re-created in the same transaction:"
        )
        lines += [f"  {name}" for name in kept.recreated]
    if kept.dropped:
        lines.append(f"Dropped on request (--drop-dependent): {', '.join(kept.dropped)}")
    if kept.carried:
        lines.append("Given to the objects cfbops re-created, as others had added them:")
        lines += [f"  {item}" for item in kept.carried]
    if kept.not_carried:
        lines.append(
            "Could not be given to the re-created objects (nothing reads an index by name):"
        )
        lines += [f"  {item}" for item in kept.not_carried]
    return lines


def failure_lines(failed: FailedFile) -> list[str]:
    """A failed file: the error, the way out, what broke it."""
    lines = [f"FAILED {failed.error}"]
    if failed.fix:
        lines.append(f"  fix: {failed.fix}")
    if len(failed.lost) > 1:
        lines.append(
            f"  {len(failed.lost) - 1} more cannot be re-created (each rolls back the same way):"
        )
        lines += [f"    {lost.kind} {lost.name}: {lost.reason()}" for lost in failed.lost[1:]]
    for check in failed.preflight:
        lines.append(f"  {check.message()}")
        lines += [f"    {row}" for row in check.sample]
    return lines
