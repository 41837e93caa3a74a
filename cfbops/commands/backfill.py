"""`cfbops --headless backfill play-stats|havoc|status`: resumable, budget-aware loads."""

from __future__ import annotations

import argparse
import re

from cfbops.backfill.control import pause_backfill
from cfbops.backfill.havoc import HavocGap, havoc_gaps
from cfbops.backfill.overview import BackfillOverview, backfill_overview
from cfbops.backfill.queue import Kind
from cfbops.backfill.runner import BackfillRun, run_backfill
from cfbops.commands import Command
from cfbops.commands.arguments import positive_int
from cfbops.config import Settings
from cfbops.db.connect import connect
from cfbops.errors import ExitCode, UsageError
from cfbops.headless import Outcome, render_table
from cfbops.progress import ProgressCallback

ACTIONS = ("play-stats", "havoc", "status", "pause")
FIRST_SEASON, LAST_SEASON = 1869, 2100


def season_range(text: str) -> tuple[int, int]:
    """`2004-2023` or `2024`."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a season range (e.g. 2004-2023 or 2024)")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if first > last:
        raise argparse.ArgumentTypeError(f"{text!r} runs backwards (write {last}-{first})")
    if first < FIRST_SEASON or last > LAST_SEASON:
        raise argparse.ArgumentTypeError(
            f"{text!r} is outside {FIRST_SEASON}-{LAST_SEASON}, the seasons college football has"
        )
    return first, last


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
        default=4,
        help="requests in flight at once (default 4)",
    )


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    if args.action == "status":
        if args.seasons or args.max_calls:
            raise UsageError("backfill status takes no --seasons or --max-calls")
        with connect(settings, application_name="cfbops backfill status") as conn:
            overview = backfill_overview(conn)
        return Outcome(document=overview.as_dict(), text=overview_text(overview))
    if args.action == "pause":
        return pause_outcome(settings, args)
    if args.seasons is None:
        raise UsageError(f"backfill {args.action} needs --seasons A-B (e.g. --seasons 2004-2023)")
    if args.concurrency > 32:
        raise UsageError("--concurrency above 32 would only trip the API's burst limiter")
    first, last = args.seasons
    kind = Kind(args.action)
    result = run_backfill(
        settings,
        kind,
        first,
        last,
        max_calls=args.max_calls,
        concurrency=args.concurrency if kind is Kind.PLAY_STATS else 1,
        progress=progress,
    )
    gaps: tuple[HavocGap, ...] = ()
    if kind is Kind.HAVOC:
        with connect(settings, application_name="cfbops backfill havoc") as conn:
            gaps = havoc_gaps(conn, first, last)
    document = run_document(result, gaps if kind is Kind.HAVOC else None)
    exit_code = ExitCode.OK
    if result.budget_out:
        exit_code = ExitCode.BUDGET
    elif result.failed or gaps:
        exit_code = ExitCode.FAILED
    return Outcome(document=document, text=run_text(result, gaps), exit_code=exit_code)


def pause_outcome(settings: Settings, args: argparse.Namespace) -> Outcome:
    if args.seasons or args.max_calls:
        raise UsageError(
            "backfill pause takes no --seasons or --max-calls: it pauses every running job"
        )
    if settings.read_only:
        raise UsageError("backfill pause writes ops.backfill_jobs; run it without --read-only")
    paused = pause_backfill(settings)
    text = (
        "paused: " + ", ".join(paused) + "; their runners finish the item in hand and stop "
        "(run the same backfill command again to resume)"
        if paused
        else "no backfill is running; nothing to pause"
    )
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


def run_text(result: BackfillRun, gaps: tuple[HavocGap, ...]) -> str:
    if result.to_do == 0:
        return f"{result.job}: nothing to load"
    lines = [
        f"{result.job}: {result.done} done, {result.failed} failed, {result.left} left; "
        f"{result.calls_used} calls, {result.rows_written:,} rows "
        f"({result.rows_per_s:,.0f} rows/s) in {result.wall_s:.1f}s"
    ]
    if result.stopped:
        lines.append(f"stopped: {result.stopped}; run the same command again to resume")
    for gap in gaps:
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
