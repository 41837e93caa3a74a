"""`cfbops --headless nightly`: the picks game's nightly job, one step after another."""

from __future__ import annotations

import argparse

from cfbops.commands.base import Command, Outcome
from cfbops.config import Settings
from cfbops.headless import render_table
from cfbops.nightly import NightlyRun, run_nightly
from cfbops.progress import ProgressCallback


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--season",
        metavar="S",
        type=int,
        help="season to sync and grade (default: the current one, as nflverse counts it)",
    )


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    result = run_nightly(settings, season=args.season, progress=progress)
    return Outcome(document=result.as_dict(), text=nightly_text(result), exit_code=result.exit_code)


def nightly_text(result: NightlyRun) -> str:
    rows = [(s.name, s.status, s.duration_ms / 1000, s.summary) for s in result.steps]
    table = render_table(("step", "status", "seconds", "summary"), rows)
    return f"season {result.season}\n{table}\n\nexit code {int(result.exit_code)}"


COMMAND = Command(
    "nightly",
    "the picks game's nightly job: sync nfl, grade, sync markets, refresh --stale, check",
    add_arguments,
    run,
)

__all__ = ["COMMAND"]
