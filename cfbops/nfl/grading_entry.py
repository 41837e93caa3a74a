"""The single place `nightly` reaches the grading core behind `cfbops grade`.

Grading (issue #12 item 3) is built on another branch; until it is merged, the step
reports itself as not available instead of failing the night.
"""

from __future__ import annotations

from cfbops.config import Settings
from cfbops.progress import ProgressCallback


def grade_for_nightly(settings: Settings, season: int, progress: ProgressCallback) -> str:
    """Grade every finished, ungraded game of the season; a one-line summary."""
    from cfbops.nfl.nightly import StepNotAvailable

    try:
        from cfbops.nfl.grading import grade_picks
    except ImportError:
        raise StepNotAvailable("grading (cfbops grade) is not in this build yet") from None
    result = grade_picks(settings, season=season, progress=progress)
    return str(getattr(result, "summary", result))
