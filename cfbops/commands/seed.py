"""`cfbops --headless seed --scale S`: load the synthetic demo dataset."""

from __future__ import annotations

import argparse

from cfbops.commands.base import Command, Outcome
from cfbops.commands.migrate import add_sql_dir_argument
from cfbops.config import Settings
from cfbops.demo.scales import DEFAULT_SEED, SCALES
from cfbops.demo.seed import SeedResult, seed_database
from cfbops.headless import render_table
from cfbops.progress import ProgressCallback

REFRESH_HINT = "Marts are not refreshed: run 'cfbops --headless refresh' next."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scale",
        choices=tuple(SCALES),
        default="small",
        help=" | ".join(f"{s.name}: {s.description}" for s in SCALES.values())
        + " (default: small)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        metavar="N",
        help=f"random seed: the same scale and seed give the same data (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--replace",
        "--force",
        dest="replace",
        action="store_true",
        help="replace rows the seed did not load (a warehouse's, or rows added by hand since "
        "the last seed); without it such a database is refused",
    )
    add_sql_dir_argument(parser)


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    result = seed_database(
        settings,
        args.scale,
        seed=args.seed,
        replace=args.replace,
        sql_dir=settings.sql_dir,
        progress=progress,
    )
    return Outcome(seed_document(result), seed_text(result))


def seed_document(result: SeedResult) -> dict:
    return {
        "scale": result.scale,
        "seed": result.seed,
        "rows": result.rows,
        "seconds": result.seconds,
        "replaced": result.replaced,
        "hint": REFRESH_HINT,
    }


def seed_text(result: SeedResult) -> str:
    rows = [(table, count) for table, count in result.rows.items()]
    rows.append(("total", result.total_rows))
    action = "Replaced the demo data with" if result.replaced else "Loaded"
    return "\n".join(
        [
            render_table(("table", "rows"), rows),
            "",
            f"{action} scale {result.scale} (seed {result.seed}) in {result.seconds:.1f}s.",
            REFRESH_HINT,
        ]
    )


COMMAND = Command("seed", "load the synthetic demo dataset", add_arguments, run)
