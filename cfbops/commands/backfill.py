"""`cfbops --headless backfill play-stats|havoc|status`: resumable, budget-aware loads."""

from __future__ import annotations

import argparse

from cfbops.backfill.control import pause_backfill, pause_summary
from cfbops.backfill.havoc import HavocGap
from cfbops.backfill.overview import BackfillOverview, backfill_overview
from cfbops.backfill.queue import Kind
from cfbops.backfill.runner import DEFAULT_CONCURRENCY, BackfillRun, run_backfill
from cfbops.backfill.worker import MAX_CALLS_PER_ITEM, MAX_TRIES_PER_RUN
from cfbops.cfbd.waits import RetryPolicy
from cfbops.commands.arguments import positive_int, season_range, seconds
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
# The production ceilings, as --help states them.
POLICY = RetryPolicy()


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
        help="spend at most N CFBD calls in this run (default: what the month has left); "
        "play-stats keeps 2 of them in hand for a game over 2,000 rows, so N is at least 3",
    )
    parser.add_argument(
        "--concurrency",
        metavar="K",
        type=positive_int,
        default=DEFAULT_CONCURRENCY,
        help=f"requests in flight at once (default {DEFAULT_CONCURRENCY}; havoc runs one)",
    )
    parser.add_argument(
        "--max-wait",
        metavar="SECONDS",
        type=seconds,
        default=POLICY.max_pause_s,
        help="the longest the run pauses in all for CFBD's CDN blocks (429 bursts) before it "
        f"stops with exit 5 (default {POLICY.max_pause_s:.0f})",
    )
    parser.epilog = (
        f"Every wait has a ceiling. A request gives up after {POLICY.request_s:.0f} s in all "
        f"({POLICY.timeout_s:.0f} s to connect or between two reads) and an answer over "
        f"{POLICY.max_answer_bytes // 2**20} MB is refused. A request failing with 5xx or on "
        f"the network is tried {POLICY.max_attempts} times, at most "
        f"{POLICY.backoff_cap_s:.0f} s apart; {POLICY.failures_per_worker} x K failures in a "
        "row (or K that may have cost a call) stop the run: exit 3. A 429 burst block pauses "
        f"every worker for its Retry-After (at most {POLICY.retry_after_cap_s / 60:.0f} min; "
        f"{POLICY.retry_after_default_s:.0f} s, doubling, when it gives none usable), at most "
        "--max-wait in all: exit 5. A spent monthly quota: exit 5 at once. Ctrl-C or SIGTERM "
        "stops the run within 2 s, its items back to pending. An item spends at most "
        f"{MAX_CALLS_PER_ITEM} calls and is taken up at most {MAX_TRIES_PER_RUN} times a run. "
        "Exit codes: 0 done, stopped at --max-calls or paused; 1 an item failed, or nothing "
        "could be loaded; 2 bad flags or key; 3 CFBD unreachable or failing; 5 budget, quota "
        "or CDN block."
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
        max_wait_s=args.max_wait,
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
