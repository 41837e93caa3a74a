"""`cfbops --headless refresh`: refresh marts in dependency order, print timings."""

from __future__ import annotations

import argparse

from cfbops.commands.arguments import duration, mart_selector, positive_int, seconds
from cfbops.commands.base import Command, Outcome
from cfbops.config import Settings
from cfbops.db.locks import DEFAULT_WAIT_S
from cfbops.headless import render_table
from cfbops.marts.models import MartStatus, RefreshMode, RefreshPlan, RefreshRun
from cfbops.marts.reader_watch import DEFAULT_READER_WAIT_S
from cfbops.marts.runner import preview_refresh, refresh_marts
from cfbops.progress import ProgressCallback


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--select",
        metavar="NAME",
        type=mart_selector,
        nargs="+",
        action="extend",
        default=[],
        help="marts to refresh, with or without schema: NAME, NAME+ (and downstream), "
        "+NAME (and upstream); default: all",
    )
    parser.add_argument(
        "--stale",
        action="store_true",
        help="only marts whose inputs changed since their last refresh (and what lies downstream)",
    )
    parser.add_argument(
        "--workers",
        metavar="N",
        type=positive_int,
        default=1,
        help="connections refreshing at once",
    )
    parser.add_argument(
        "--mode",
        choices=[m.value for m in RefreshMode],
        default=RefreshMode.AUTO.value,
        help="auto (default): CONCURRENTLY where a reader may wait on the mart (an api view or "
        "another view reads it, apps do, or nothing in the database does), plainly where only "
        "marts refreshed after it in the same run read it",
    )
    parser.add_argument(
        "--lock-wait",
        metavar="SECONDS",
        type=seconds,
        default=DEFAULT_READER_WAIT_S,
        help="longest a reader outside the run may wait on a mart refreshed plainly; past it "
        f"the mart is refreshed CONCURRENTLY instead (default {DEFAULT_READER_WAIT_S:g})",
    )
    parser.add_argument(
        "--statement-timeout",
        metavar="DURATION",
        type=duration,
        help="limit for each mart's refresh, e.g. 10min (default: the configured one; "
        "ops.mart_setting overrides it per mart)",
    )
    wait = parser.add_mutually_exclusive_group()
    wait.add_argument(
        "--wait",
        metavar="SECONDS",
        type=seconds,
        default=DEFAULT_WAIT_S,
        help="how long to wait for another run or a migration to finish "
        f"(default {DEFAULT_WAIT_S:.0f})",
    )
    wait.add_argument(
        "--no-wait", action="store_true", help="exit 4 at once if another run holds the lock"
    )
    parser.add_argument(
        "--plan", action="store_true", help="show what would be refreshed and why; change nothing"
    )


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    mode = RefreshMode(args.mode)
    if args.plan:
        plan = preview_refresh(
            settings,
            args.select,
            stale_only=args.stale,
            mode=mode,
            statement_timeout=args.statement_timeout,
        )
        return Outcome(document=plan_document(plan), text=plan_text(plan))
    result = refresh_marts(
        settings,
        args.select,
        stale_only=args.stale,
        workers=args.workers,
        mode=mode,
        wait_s=None if args.no_wait else args.wait,
        statement_timeout=args.statement_timeout,
        progress=progress,
        lock_wait_s=args.lock_wait,
    )
    return Outcome(document=result.as_dict(), text=run_text(result), exit_code=result.exit_code)


def run_text(result: RefreshRun) -> str:
    if not result.views:
        return "no materialized views to refresh"
    rows = [
        (
            v.name,
            v.status,
            v.mode,
            None if v.duration_ms is None else v.duration_ms / 1000,
            v.rows,
            _note(v.status, v.error, v.reason, v.regression, v.median_ms, v.mode_reason),
        )
        for v in result.views
    ]
    table = render_table(("mart", "status", "mode", "seconds", "rows", "note"), rows)
    lines = [table, "", result.summary()]
    lines.extend(f"warning: {w}" for w in result.warnings)
    return "\n".join(lines)


def plan_document(plan: RefreshPlan) -> dict:
    return {
        "plan": [
            {
                "name": m.name,
                "refresh": m.refresh,
                "mode": m.mode.value if m.mode else None,
                "mode_reason": m.mode_reason or None,
                "reason": m.reason,
                "statement_timeout": m.statement_timeout,
                "waits_for": list(m.waits_for),
            }
            for m in plan.marts
        ],
        "stale_only": plan.stale_only,
        "mode": plan.mode.value,
        "warnings": list(plan.warnings),
    }


def plan_text(plan: RefreshPlan) -> str:
    if not plan.marts:
        return "no materialized views to refresh"
    rows = [
        (m.name, "refresh" if m.refresh else "fresh", m.mode, m.reason, m.mode_reason)
        for m in plan.marts
    ]
    lines = [render_table(("mart", "action", "mode", "why", "why this mode"), rows)]
    lines.append("")
    lines.append(f"{len(plan.to_refresh)} of {len(plan.marts)} marts would be refreshed")
    lines.extend(f"warning: {w}" for w in plan.warnings)
    return "\n".join(lines)


def _note(
    status: MartStatus,
    error: str | None,
    reason: str,
    regression: bool,
    median_ms: float | None,
    mode_reason: str,
) -> str:
    if status in (MartStatus.FAILED, MartStatus.SKIPPED):
        return first_line(error)
    if regression and median_ms is not None:
        median = f"{median_ms:.0f}ms" if median_ms < 1000 else f"{median_ms / 1000:.1f}s"
        return f"slow: over 2x its median {median}"
    if status is MartStatus.FRESH:
        return reason
    return mode_reason


def first_line(text: str | None) -> str:
    """A table cell keeps PostgreSQL's message; the JSON keeps its DETAIL and CONTEXT too."""
    return (text or "").strip().split("\n", 1)[0]


COMMAND = Command("refresh", "refresh marts in dependency order", add_arguments, run)

__all__ = ["COMMAND"]
