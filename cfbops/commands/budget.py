"""`cfbops --headless budget`: the CFBD budget meter."""

from __future__ import annotations

import argparse

from cfbops.cfbd.meter import (
    BudgetMeter,
    Unrecorded,
    ask_api,
    budget_meter,
    reconcile_with_api,
)
from cfbops.commands.base import Command, Outcome
from cfbops.config import Settings
from cfbops.db.connect import connect
from cfbops.db.ops_objects import (
    BUDGET_OBJECTS,
    NOT_AVAILABLE,
    NOT_AVAILABLE_DOCUMENT,
    objects_exist,
)
from cfbops.progress import ProgressCallback


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-api",
        action="store_true",
        help="do not ask the API's /info (free); show the ledger's figures only. Otherwise "
        "/info is asked once: at most 2 tries of at most 15 s each, no wait for a 429",
    )


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    with connect(settings, application_name="cfbops budget") as conn:
        if not objects_exist(conn, BUDGET_OBJECTS):
            return Outcome(dict(NOT_AVAILABLE_DOCUMENT), f"budget {NOT_AVAILABLE}")
        live, note = None, ""
        if args.no_api:
            pass
        elif settings.read_only and settings.cfbd_api_key:
            # Nothing is written: /info is asked (it is free) and its figure shown, not stored.
            live, note = ask_api(settings, Unrecorded())
            note = note or "--read-only: the API's figure is shown, not stored in the ledger"
        else:
            note = reconcile_with_api(conn, settings)
        meter = budget_meter(conn, note=note, live=live)
    return Outcome(document=meter.as_dict(), text=meter_text(meter))


def meter_text(meter: BudgetMeter) -> str:
    lines = [
        f"limit        {meter.limit:,} calls a month",
        f"used         {meter.used:,}",
        f"remaining    {meter.remaining:,}"
        + (f" ({meter.held:,} held by running backfills)" if meter.held else ""),
        f"resets       {meter.resets_at:%Y-%m-%d %H:%M} UTC",
        f"burn         {meter.burn_per_day:,.1f} calls/day",
        "forecast     "
        + (
            f"runs out {meter.exhausted_on:%Y-%m-%d %H:%M} UTC"
            if meter.exhausted_on
            else "lasts until the reset"
        ),
        f"source       {meter.source}"
        + (f" (checked {meter.api_checked_at:%Y-%m-%d %H:%M} UTC)" if meter.api_checked_at else ""),
    ]
    if meter.note:
        lines.append(f"note         {meter.note}")
    return "\n".join(lines)


COMMAND = Command(
    "budget", "CFBD budget: limit, used, left, reset, burn, forecast", add_arguments, run
)

__all__ = ["COMMAND"]
