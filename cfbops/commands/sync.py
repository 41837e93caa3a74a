"""`cfbops --headless sync nfl|markets`: the picks game's outside data."""

from __future__ import annotations

import argparse
from pathlib import Path

from cfbops.commands.arguments import season_list, seconds
from cfbops.commands.base import Command, Outcome
from cfbops.commands.options import global_options
from cfbops.config import Settings
from cfbops.db.locks import DEFAULT_WAIT_S
from cfbops.headless import render_table
from cfbops.progress import ProgressCallback


def add_wait_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait",
        metavar="SECONDS",
        type=seconds,
        default=DEFAULT_WAIT_S,
        help=f"how long to wait for another sync to finish (default {DEFAULT_WAIT_S:.0f})",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # Each target repeats the global options so `sync nfl --json` works like `--json sync nfl`.
    targets = parser.add_subparsers(dest="target", metavar="TARGET", required=True)
    nfl = targets.add_parser(
        "nfl",
        parents=[global_options(suppress=True)],
        help="rosters and schedules from nflverse (nflreadpy)",
    )
    nfl.add_argument(
        "--seasons",
        metavar="SEASONS",
        type=season_list,
        nargs="+",
        action="extend",
        help="e.g. 2025, 2019-2022 or 2019,2021 (default: the current season)",
    )
    nfl.add_argument(
        "--from",
        dest="source_dir",
        metavar="DIR",
        type=Path,
        help="read nflverse's parquet files in DIR (games.parquet, roster_SEASON.parquet) "
        "instead of downloading through nflreadpy",
    )
    add_wait_argument(nfl)
    markets = targets.add_parser(
        "markets",
        parents=[global_options(suppress=True)],
        help="first-TD and anytime-TD prices from Kalshi and Polymarket (markets = true)",
    )
    add_wait_argument(markets)


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    if args.target == "nfl":
        return run_nfl(settings, args, progress)
    return run_markets(settings, args, progress)


def run_nfl(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    from cfbops.nfl.nflverse import current_season
    from cfbops.nfl.sync import sync_nfl

    # --seasons 2019-2020 2022: one list per value, flattened.
    seasons = [s for group in args.seasons or [] for s in group] or [current_season()]
    result = sync_nfl(
        settings, seasons, wait_s=args.wait, progress=progress, source_dir=args.source_dir
    )
    return Outcome(document=result.as_dict(), text=nfl_text(result))


def nfl_text(result) -> str:
    rows = [
        ("games", result.games_loaded, result.games_inserted, result.games_updated),
        ("rosters", result.rosters_loaded, result.rosters_inserted, result.rosters_updated),
    ]
    unknown = result.unknown
    lines = [
        f"seasons {', '.join(str(s) for s in result.seasons)}",
        render_table(("table", "loaded", "inserted", "updated"), rows),
        "",
    ]
    if result.games_renamed:
        lines.append(f"{result.games_renamed} placeholder games took their nflverse ids")
    lines.append(
        f"positions resolved from rosters: {result.positions_resolved.picks} picks, "
        f"{result.positions_resolved.player_stats} player stats"
    )
    lines.append(
        f"positions still unknown: {unknown.picks} of {unknown.picks_total} picks, "
        f"{unknown.player_stats} of {unknown.player_stats_total} player stats "
        f"({unknown.share:.1%}; target under {unknown.as_dict()['target_share']:.0%})"
    )
    if result.unmapped_teams:
        lines.append(f"warning: team codes not known: {', '.join(result.unmapped_teams)}")
    return "\n".join(lines)


def run_markets(
    settings: Settings, args: argparse.Namespace, progress: ProgressCallback
) -> Outcome:
    from cfbops.nfl.markets.sync import sync_markets

    result = sync_markets(settings, wait_s=args.wait, progress=progress)
    return Outcome(document=result.as_dict(), text=markets_text(result))


def markets_text(result) -> str:
    rows = [
        (s.source, s.pages, s.quotes, s.stored_odds, s.unmatched, s.stored_outcomes)
        for s in result.sources
    ]
    lines = [
        f"snapshot {result.snapshot_time:%Y-%m-%d %H:%M:%S %Z}",
        render_table(
            ("source", "pages", "prices", "stored", "no game", "outcomes"),
            rows,
        ),
    ]
    for s in result.sources:
        if s.series:
            answered = ", ".join(
                f"{a.series} {a.markets} markets" if a.markets else f"{a.series} none"
                for a in s.series
            )
            lines.append(f"{s.source} series: {answered}")
        for reason, count in sorted(s.passed_over.items()):
            lines.append(f"{s.source}: {count} passed over: {reason}")
    lines.append("value picks (sources 5+ points apart): SELECT * FROM nfl.market_value_picks")
    return "\n".join(lines)


COMMAND = Command("sync", "the picks game's outside data: nfl | markets", add_arguments, run)

__all__ = ["COMMAND"]
