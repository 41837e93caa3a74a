"""The single place `nightly` reaches the grading core behind `cfbops grade`."""

from __future__ import annotations

from cfbops.config import Settings
from cfbops.progress import ProgressCallback


def grade_for_nightly(settings: Settings, season: int, progress: ProgressCallback) -> str:
    """Grade every finished, ungraded game of the season; a one-line summary.

    Picks left ungradable fail the step (exit 1), as they fail `cfbops grade`.
    """
    from cfbops.nfl.grading import grade_picks
    from cfbops.nfl.nightly import StepFailed

    result = grade_picks(settings, season, progress=progress)
    summary = (
        f"{result.picks_graded} picks graded in {len(result.games)} games, "
        f"{result.correct_picks} correct"
    )
    if result.waiting_games:
        summary += f"; {len(result.waiting_games)} games wait for play-by-play"
    if not result.ok:
        raise StepFailed(f"{summary}; {len(result.ungradable)} picks could not be graded")
    return summary
