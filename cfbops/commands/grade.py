"""`cfbops --headless grade [--season S] [--week W]`: grade picks from play-by-play."""

from __future__ import annotations

import argparse

from cfbops.commands.arguments import positive_int
from cfbops.commands.base import Command, Outcome
from cfbops.config import Settings
from cfbops.errors import ExitCode
from cfbops.headless import render_table
from cfbops.nfl.grading import GradeResult, grade_picks
from cfbops.progress import ProgressCallback


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--season",
        metavar="S",
        type=positive_int,
        help="NFL season, e.g. 2025 (default: the current one)",
    )
    parser.add_argument(
        "--week", metavar="W", type=positive_int, help="only this week's games (default: all)"
    )


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    result = grade_picks(settings, args.season, args.week, progress=progress)
    return Outcome(
        grade_document(result),
        grade_text(result),
        ExitCode.OK if result.ok else ExitCode.FAILED,
    )


def grade_document(result: GradeResult) -> dict:
    return {
        "season": result.season,
        "week": result.week,
        "picks_graded": result.picks_graded,
        "correct_picks": result.correct_picks,
        "any_time_picks": result.any_time_picks,
        "touchdowns": result.touchdowns,
        "games": result.games,
        "waiting_games": result.waiting_games,
        "ungradable": result.ungradable,
    }


def grade_text(result: GradeResult) -> str:
    scope = f"{result.season}" + (f" week {result.week}" if result.week else "")
    if not result.games and not result.waiting_games and not result.ungradable:
        return f"Nothing to grade in {scope}: no ungraded picks of finished games."
    lines = []
    if result.games:
        lines.append(
            render_table(
                ("game", "first TD", "team", "TDs", "picks graded", "correct"),
                [
                    (
                        g.game_id,
                        g.first_td_scorer,
                        g.first_td_team,
                        g.touchdowns,
                        g.picks_graded,
                        g.correct_picks,
                    )
                    for g in result.games
                ],
            )
        )
        lines.append("")
    lines.append(
        f"Graded {result.picks_graded} picks in {scope}: {result.correct_picks} correct, "
        f"{result.any_time_picks} with a touchdown."
    )
    if result.waiting_games:
        lines.append(
            f"{len(result.waiting_games)} finished games have no play-by-play yet "
            f"({', '.join(result.waiting_games)}): graded on a later run."
        )
    for pick in result.ungradable:
        lines.append(f"pick {pick.pick_id} ({pick.game_id}) not graded: {pick.reason}")
    return "\n".join(lines)


COMMAND = Command(
    "grade", "grade picks of finished games from nflverse play-by-play", add_arguments, run
)
