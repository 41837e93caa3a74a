"""`cfbops --headless check`: run the data-quality checks, store the findings, mute one."""

from __future__ import annotations

import argparse
from pathlib import Path

from cfbops.commands.arguments import duration
from cfbops.commands.base import Command, Outcome
from cfbops.config import Settings
from cfbops.errors import UsageError
from cfbops.headless import render_table
from cfbops.progress import ProgressCallback
from cfbops.quality.models import FindingState
from cfbops.quality.registry import all_checks
from cfbops.quality.runner import DEFAULT_CHECK_TIMEOUT
from cfbops.quality.session import QualityRun, check_database, parse_mute_until


def check_selector(text: str) -> str:
    """A non-blank `--select` value; names are resolved against the registry later."""
    if not text.replace(",", " ").strip():
        raise argparse.ArgumentTypeError(
            "an empty selector names no check (use a check's or a family's name; "
            "leave --select out for all; --list names them)"
        )
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--select",
        metavar="NAME",
        type=check_selector,
        nargs="+",
        action="extend",
        default=[],
        help="checks or families to run (e.g. orphan_drives, picks); default: all",
    )
    parser.add_argument("--mute", metavar="NAME", help="mute a check (needs --until and --reason)")
    parser.add_argument("--until", metavar="DATE", help="last day of the mute, YYYY-MM-DD")
    parser.add_argument("--reason", metavar="TEXT", help="why the check is muted")
    parser.add_argument(
        "--unmute", metavar="NAME", help="end a check's mute today (its history is kept)"
    )
    parser.add_argument(
        "--statement-timeout",
        metavar="DURATION",
        type=duration,
        default=DEFAULT_CHECK_TIMEOUT,
        help=f"limit for each check's query (default {DEFAULT_CHECK_TIMEOUT})",
    )
    parser.add_argument(
        "--contract", metavar="FILE", type=Path, help="SCHEMA_CONTRACT.md to compare the api with"
    )
    parser.add_argument("--list", action="store_true", help="list the checks; run nothing")


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    if args.list:
        return list_outcome()
    mute = None
    given = [flag for flag in ("mute", "until", "reason") if getattr(args, flag) is not None]
    if given and len(given) < 3:
        raise UsageError("--mute NAME needs --until DATE and --reason TEXT, all three together")
    if given:
        mute = (args.mute, parse_mute_until(args.until), args.reason)
    result = check_database(
        settings,
        args.select,
        contract_path=args.contract,
        statement_timeout=args.statement_timeout,
        mute=mute,
        unmute=args.unmute,
        progress=progress,
    )
    return Outcome(document=result.as_dict(), text=run_text(result), exit_code=result.exit_code)


def list_outcome() -> Outcome:
    checks = all_checks()
    rows = [(c.name, c.family, c.severity.value, c.message) for c in checks]
    document = {
        "checks": [
            {"check": c.name, "family": c.family, "severity": c.severity.value} for c in checks
        ]
    }
    return Outcome(document, render_table(("check", "family", "severity", "finds"), rows))


def run_text(result: QualityRun) -> str:
    lines: list[str] = []
    if result.unmuted:
        was = result.unmuted
        lines.append(f"unmuted {was.check} (was muted until {was.until.isoformat()}: {was.reason})")
    if result.mute:
        lines.append(
            f"muted {result.mute.check} until {result.mute.until.isoformat()}: {result.mute.reason}"
        )
    findings = sorted(
        result.findings,
        key=lambda r: (
            r.state is FindingState.RESOLVED,
            ("error", "warn", "info").index(r.severity.value),
            r.check,
        ),
    )
    if findings:
        rows = [
            (
                f.check,
                f.severity.value + (" (muted)" if f.muted else ""),
                f.state.value if f.state else None,
                f.count,
                f.message,
            )
            for f in findings
        ]
        lines.append(render_table(("check", "severity", "state", "count", "finding"), rows))
        for f in findings:
            if f.action and f.state is not FindingState.RESOLVED:
                lines.append(f"  {f.check}: {f.action}")
    for r in result.not_run:
        lines.append(f"not run: {r.check}: {r.error}")
    lines.append(result.summary())
    return "\n".join(lines)


COMMAND = Command(
    "check", "run data-quality checks, store findings; mute a known one", add_arguments, run
)
