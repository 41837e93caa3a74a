"""Rosters and schedules through nflreadpy's own loading path (download or its cache)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cfbops.errors import OperationFailed, UsageError

FIRST_NFLVERSE_SEASON = 1999

SCHEDULE_COLUMNS = (
    "game_id",
    "season",
    "game_type",
    "week",
    "gameday",
    "gametime",
    "away_team",
    "away_score",
    "home_team",
    "home_score",
)
ROSTER_COLUMNS = (
    "season",
    "team",
    "full_name",
    "first_name",
    "last_name",
    "position",
    "depth_chart_position",
    "jersey_number",
    "status",
    "gsis_id",
    "espn_id",
    "sleeper_id",
)


class NflverseUnavailable(OperationFailed):
    """nflverse could not be read (network down, file missing from cache, bad file)."""


@dataclass(frozen=True, slots=True)
class NflverseSeasons:
    """What nflverse holds for the asked seasons, as plain rows in the column orders above."""

    schedule_rows: tuple[tuple[Any, ...], ...]
    roster_rows: tuple[tuple[Any, ...], ...]


def current_season() -> int:
    """The season nflverse calls current (it starts the Thursday after Labor Day)."""
    from nflreadpy import get_current_season

    return get_current_season()


def check_seasons(seasons: Sequence[int]) -> None:
    """Reject seasons nflverse has no rosters for, before anything is loaded."""
    from nflreadpy import get_current_season

    last = get_current_season(roster=True)
    wrong = [s for s in seasons if not FIRST_NFLVERSE_SEASON <= s <= last]
    if wrong:
        raise UsageError(
            f"no nflverse rosters for season {wrong[0]}: use seasons {FIRST_NFLVERSE_SEASON}-{last}"
        )


def load_seasons(
    seasons: Sequence[int], on_loaded: Callable[[str], None] | None = None
) -> NflverseSeasons:
    """Load schedules and rosters; fails whole (NflverseUnavailable) if any part cannot load.

    Where from is nflreadpy's own business: its settings (NFLREADPY_CACHE,
    NFLREADPY_CACHE_DIR, NFLREADPY_CACHE_DURATION, or `nflreadpy.config.update_config`).
    """
    import nflreadpy

    schedules = _load("schedules", lambda: nflreadpy.load_schedules(list(seasons)))
    if on_loaded:
        on_loaded("schedules")
    roster_rows: list[tuple[Any, ...]] = []
    for season in seasons:
        frame = _load(f"rosters for {season}", lambda s=season: nflreadpy.load_rosters(s))
        roster_rows.extend(_rows(frame, ROSTER_COLUMNS))
        if on_loaded:
            on_loaded(f"rosters {season}")
    return NflverseSeasons(tuple(_rows(schedules, SCHEDULE_COLUMNS)), tuple(roster_rows))


def _load(what: str, loader: Callable[[], Any]) -> Any:
    try:
        return loader()
    except (ConnectionError, ValueError, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NflverseUnavailable(
            f"cannot load {what} from nflverse: {reason}; nothing was changed. Check the "
            "network, or NFLREADPY_CACHE=filesystem and NFLREADPY_CACHE_DIR for local files"
        ) from None


def _rows(frame: Any, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    import polars as pl

    # Older seasons' files lack some columns, and ids arrive as numbers in some years.
    present = [
        pl.col(c).cast(pl.Utf8) if c.endswith("_id") else pl.col(c)
        for c in columns
        if c in frame.columns
    ]
    missing = [pl.lit(None).alias(c) for c in columns if c not in frame.columns]
    return frame.select(present + missing).select(list(columns)).rows()
