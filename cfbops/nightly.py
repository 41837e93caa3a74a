"""`nightly`: the picks app's 2 AM job as one command for cron.

sync nfl (current season) → grade → sync markets (if switched on) → refresh --stale →
check. Each step is reported; a failing step does not stop the others (each one only
reads what is in the database, so it is still worth doing), and the exit code sums
the run up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from cfbops.config import Settings
from cfbops.db.connect import require_writable
from cfbops.errors import CfbopsError, ExitCode
from cfbops.progress import ProgressCallback, TaskProgress, ignore_progress

TASK = "nightly"


class StepStatus(Enum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class NightlyStep:
    name: str
    status: StepStatus
    exit_code: ExitCode
    duration_ms: float
    summary: str

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "status": self.status.value,
            "exit_code": int(self.exit_code),
            "duration_ms": round(self.duration_ms),
            "summary": self.summary,
        }


@dataclass(frozen=True, slots=True)
class NightlyRun:
    season: int
    steps: tuple[NightlyStep, ...]

    @property
    def exit_code(self) -> ExitCode:
        """0 when no step failed; a failed step's code when all failures agree, else 1."""
        codes = {s.exit_code for s in self.steps if s.status is StepStatus.FAILED}
        if not codes:
            return ExitCode.OK
        return codes.pop() if len(codes) == 1 else ExitCode.FAILED

    def as_dict(self) -> dict:
        return {
            "season": self.season,
            "steps": [s.as_dict() for s in self.steps],
            "exit_code": int(self.exit_code),
        }


class StepSkipped(Exception):
    """A step that has nothing to do in this configuration (not a failure)."""


class StepFailed(CfbopsError):
    """A step that ran and reported failures of its own (exit code 1)."""


Step = Callable[[Settings, int, ProgressCallback], str]


def sync_nfl_step(settings: Settings, season: int, progress: ProgressCallback) -> str:
    from cfbops.nfl.sync import sync_nfl

    result = sync_nfl(settings, [season], progress=progress)
    return (
        f"{result.games_inserted} games new, {result.games_updated} updated; "
        f"{result.rosters_inserted} roster rows new; "
        f"{result.unknown.share:.1%} positions unknown"
    )


def grade_step(settings: Settings, season: int, progress: ProgressCallback) -> str:
    from cfbops.nfl.grading import grade_picks

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


def sync_markets_step(settings: Settings, season: int, progress: ProgressCallback) -> str:
    if not settings.markets:
        raise StepSkipped("switched off (markets = true turns it on)")
    from cfbops.nfl.markets.sync import sync_markets

    result = sync_markets(settings, progress=progress)
    stored = sum(s.stored_odds for s in result.sources)
    return f"{stored} prices stored at {result.snapshot_time:%H:%M:%S %Z}"


def refresh_step(settings: Settings, season: int, progress: ProgressCallback) -> str:
    from cfbops.marts.runner import refresh_marts

    result = refresh_marts(settings, stale_only=True, progress=progress)
    if not result.ok:
        raise StepFailed(result.summary())
    return result.summary()


def check_step(settings: Settings, season: int, progress: ProgressCallback) -> str:
    from cfbops.quality.session import check_database

    result = check_database(settings, progress=progress)
    if not result.ok:
        raise StepFailed(result.summary())
    return result.summary()


STEPS: tuple[tuple[str, Step], ...] = (
    ("sync nfl", sync_nfl_step),
    ("grade", grade_step),
    ("sync markets", sync_markets_step),
    ("refresh --stale", refresh_step),
    ("check", check_step),
)


def run_nightly(
    settings: Settings,
    *,
    season: int | None = None,
    progress: ProgressCallback = ignore_progress,
    steps: tuple[tuple[str, Step], ...] = STEPS,
) -> NightlyRun:
    """Run every step in order; each one's failure is recorded, never raised."""
    require_writable(settings, "nightly")  # every step but the last writes
    if season is None:
        from cfbops.nfl.nflverse import current_season

        season = current_season()
    done: list[NightlyStep] = []
    report = TaskProgress(progress, TASK, total=len(steps))
    for name, step in steps:
        report.note(f"{name} …")
        began = time.monotonic()
        status, code = StepStatus.OK, ExitCode.OK
        try:
            summary = step(settings, season, progress)
        except StepSkipped as exc:
            status, summary = StepStatus.SKIPPED, str(exc)
        except CfbopsError as exc:
            status, code, summary = StepStatus.FAILED, exc.exit_code, str(exc)
        except Exception as exc:  # a bug in one step must not cost the others their run
            status, code = StepStatus.FAILED, ExitCode.FAILED
            summary = f"internal error: {type(exc).__name__}: {exc}"
        finished = NightlyStep(name, status, code, (time.monotonic() - began) * 1000, summary)
        done.append(finished)
        report.step(f"{name}: {status.value}")
    return NightlyRun(season, tuple(done))
