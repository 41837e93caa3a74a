"""Rendering of `migrate --plan`."""

from __future__ import annotations

import argparse
from pathlib import Path

from cfbops.commands.base import Outcome
from cfbops.commands.migrate_report import lost_document
from cfbops.config import Settings
from cfbops.errors import ExitCode
from cfbops.migrate.plan import MigrationPlan, PlannedFile, migration_plan
from cfbops.migrate.plan_text import plan_text


def run_plan(settings: Settings, args: argparse.Namespace, sql_dir: Path) -> Outcome:
    plan = migration_plan(
        settings, sql_dir, lock_wait_s=args.lock_wait, drop_dependent=tuple(args.drop_dependent)
    )
    return Outcome(
        plan_document(plan), plan_text(plan), ExitCode.OK if plan.ok else ExitCode.FAILED
    )


def _file_document(planned: PlannedFile) -> dict:
    file = planned.file
    return {
        "version": file.version,
        "name": file.name,
        "kind": file.kind.value,
        "file": file.display_path,
        "transactional": planned.transactional,
        "statements": [
            {
                "line": s.line,
                "sql": s.sql,
                "lock": s.lock.level,
                "lock_duration": s.lock.duration.value,
                "blocks": s.lock.blocks,
                "note": s.lock.note,
                "autocommit": s.autocommit,
                "tables": [
                    {"table": t.table, "bytes": t.bytes, "estimated_rows": t.estimated_rows}
                    for t in s.tables
                ],
                "cascade_drops": list(s.cascade),
                "kept_dependents": list(s.keeps),
                "dropped_on_request": list(s.accepted),
            }
            for s in planned.statements
        ],
        "refused": planned.refusal,
        "pending_because": planned.reason,
        "lint": [v.as_dict() for v in planned.lint],
        "preflight": [p.as_dict() for p in planned.preflight],
        "equivalents": [
            {"line": e.line, "wanted": e.wanted, "existing": e.existing, "validate": e.validate}
            for e in planned.equivalents
        ],
    }


def plan_document(plan: MigrationPlan) -> dict:
    document = {
        "pending": [_file_document(f) for f in plan.files],
        "drifted": [{"version": f.version, "name": f.name} for f in plan.drifted],
        "applied": [],
        "summary": plan.summary.as_dict(),
    }
    rehearsed = plan.rehearsal
    if rehearsed is not None:
        document["rehearsal"] = {
            "note": rehearsed.note or None,
            "recreated": list(rehearsed.kept),
            "cannot_be_recreated": [lost_document(x) for x in rehearsed.lost],
            "planned_not_run": list(rehearsed.planned),
            "failed": None
            if rehearsed.failed is None
            else {"error": rehearsed.failed.error, "fix": rehearsed.failed.fix or None},
        }
    return document
