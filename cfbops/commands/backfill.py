"""`cfbops --headless backfill play-stats|havoc|status`: resumable, budget-aware loads."""

from __future__ import annotations

import argparse

from cfbops.backfill.control import pause_backfill, pause_summary
from cfbops.backfill.havoc import HavocGap
from cfbops.backfill.overview import BackfillOverview, backfill_overview
from cfbops.backfill.queue import Kind
from cfbops.backfill.runner import DEFAULT_CONCURRENCY, BackfillRun, run_backfill
from cfbops.commands.arguments import positive_int, season_range
from cfbops.commands.base import Command, Outcome
from cfbops.config import Settings
from cfbops.db.connect import connect
from cfbops.db.ops_objects import (
    BACKFILL_OBJECTS,
    NOT_AVAILABLE,
    NOT_AVAILABLE_DOCUMENT,
    objects_exist,
)
from cfbops.errors import UsageError
from cfbops.headless import render_table
from cfbops.progress import ProgressCallback

ACTIONS = ("play-stats", "havoc", "status", "pause")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=ACTIONS,
        help="which backfill, status of all, or pause every running one",
    )
    parser.add_argument(
        "--seasons", metavar="A-B", type=season_range, help="seasons to load, e.g. 2004-2023"
    )
    parser.add_argument(
        "--max-calls",
        metavar="N",
        type=positive_int,
        help="spend at most N CFBD calls in this run (default: what the month has left)",
    )
    parser.add_argument(
        "--concurrency",
        metavar="K",
        type=positive_int,
        default=DEFAULT_CONCURRENCY,
        help=f"requests in flight at once (default {DEFAULT_CONCURRENCY}; havoc runs one)",
    )


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    if args.action == "status":
        if args.seasons or args.max_calls:
            raise UsageError("backfill status takes no --seasons or --max-calls")
        with connect(settings, application_name="cfbops backfill status", read_only=True) as conn:
            if not objects_exist(conn, BACKFILL_OBJECTS):
                return Outcome(dict(NOT_AVAILABLE_DOCUMENT, jobs=[]), f"backfill {NOT_AVAILABLE}")
            overview = backfill_overview(conn)
        return Outcome(document=overview.as_dict(), text=overview_text(overview))
    if args.action == "pause":
        return pause_outcome(settings, args)
    if args.seasons is None:
        raise UsageError(f"backfill {args.action} needs --seasons A-B (e.g. --seasons 2004-2023)")
    first, last = args.seasons
    kind = Kind(args.action)
    result = run_backfill(
        settings,
        kind,
        first,
        last,
        max_calls=args.max_calls,
        concurrency=args.concurrency,
        progress=progress,
    )
    document = run_document(result, result.havoc_gaps if kind is Kind.HAVOC else None)
    return Outcome(document=document, text=run_text(result), exit_code=result.exit_code)


def pause_outcome(settings: Settings, args: argparse.Namespace) -> Outcome:
    if args.seasons or args.max_calls:
        raise UsageError(
            "backfill pause takes no --seasons or --max-calls: it pauses every running job"
        )
    paused = pause_backfill(settings)
    text = pause_summary(paused)
    return Outcome(document={"paused": list(paused)}, text=text)


def run_document(result: BackfillRun, gaps: tuple[HavocGap, ...] | None) -> dict:
    job = {
        "job": result.job,
        "total": result.to_do,
        "done": result.done,
        "failed": result.failed,
        "left": result.left,
        "calls_used": result.calls_used,
        "calls_reserved": result.reserved,
        "rows_written": result.rows_written,
        "rows_per_s": round(result.rows_per_s, 1),
        "wall_s": round(result.wall_s, 2),
        "state": "done" if not result.left else "paused" if result.paused else "stopped",
        "stopped": result.stopped or None,
    }
    document: dict = {"jobs": [job]}
    if gaps is not None:
        document["havoc_gaps"] = [
            {
                "season": g.season,
                "expected_rows": g.expected_rows,
                "rows": g.rows,
                "missing_game_ids": list(g.missing_game_ids),
            }
            for g in gaps
        ]
    return document


def run_text(result: BackfillRun) -> str:
    lines = [result.summary()]
    if result.stopped:
        lines.append("run the same command again to resume")
    for gap in result.havoc_gaps:
        ids = ", ".join(map(str, gap.missing_game_ids[:10]))
        more = "…" if len(gap.missing_game_ids) > 10 else ""
        lines.append(
            f"havoc {gap.season}: {gap.rows} rows, expected {gap.expected_rows} (games {ids}{more})"
        )
    return "\n".join(lines)


def overview_text(overview: BackfillOverview) -> str:
    if not overview.jobs:
        return "no backfill jobs yet (cfbops --headless backfill play-stats --seasons A-B)"
    rows = [
        (
            j.job,
            j.state,
            j.done,
            j.total,
            j.failed,
            j.calls_used,
            j.rows_written,
            j.rows_per_s,
            None if j.eta_s is None else round(j.eta_s),
        )
        for j in overview.jobs
    ]
    headers = ("job", "state", "done", "total", "failed", "calls", "rows", "rows/s", "eta s")
    return render_table(headers, rows)


COMMAND = Command(
    "backfill", "resumable CFBD backfills (play-stats, havoc) and their status", add_arguments, run
)

__all__ = ["COMMAND"]
