"""Rosters and schedules through nflreadpy's own loading path (download or its cache), or
read directly from a directory of nflverse's parquet files (`sync nfl --from DIR`).

nflreadpy's filesystem cache only finds a file named md5(url + args).parquet and deletes
one older than its cache duration (24 h) when it reads it (UPSTREAM surprise 23): files
copied there by hand under their release names are never seen. `--from DIR` takes them as
nflverse publishes them instead: `games.parquet` and `roster_SEASON.parquet`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
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

    schedules = _load(
        "schedules", lambda: nflreadpy.load_schedules(list(seasons)), "schedules/games"
    )
    if on_loaded:
        on_loaded("schedules")
    roster_rows: list[tuple[Any, ...]] = []
    for season in seasons:
        frame = _load(
            f"rosters for {season}",
            lambda s=season: nflreadpy.load_rosters(s),
            f"rosters/roster_{season}",
            season=season,
        )
        roster_rows.extend(_rows(frame, ROSTER_COLUMNS))
        if on_loaded:
            on_loaded(f"rosters {season}")
    return NflverseSeasons(tuple(_rows(schedules, SCHEDULE_COLUMNS)), tuple(roster_rows))


NFLVERSE_RELEASES = "https://github.com/nflverse/nflverse-data/releases/download/"


def _load(what: str, loader: Callable[[], Any], release_path: str, **args: int) -> Any:
    try:
        return loader()
    except (ConnectionError, ValueError, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NflverseUnavailable(
            f"cannot load {what} from nflverse: {reason}; nothing was changed. Check the "
            f"network; offline, run sync nfl --from DIR with nflverse's files in DIR "
            f"({Path(release_path).name}.parquet), or set NFLREADPY_CACHE=filesystem and put "
            f"the file in NFLREADPY_CACHE_DIR as {cache_name(release_path, **args)}, "
            "md5(url + args).parquet, younger than NFLREADPY_CACHE_DURATION (24 h: nflreadpy "
            "deletes an older one when it reads it)"
        ) from None


def cache_name(release_path: str, **args: int) -> str:
    """The name nflreadpy's filesystem cache gives a release file loaded with `args`
    (nflreadpy 0.1: md5 of the URL, "_", and the sorted arguments)."""
    url = f"{NFLVERSE_RELEASES}{release_path}.parquet"
    return hashlib.md5(f"{url}_{sorted(args.items())}".encode()).hexdigest() + ".parquet"


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


# Columns without which a file is not the nflverse file it is named after.
SCHEDULE_KEY_COLUMNS = ("game_id", "season", "week", "home_team", "away_team")
ROSTER_KEY_COLUMNS = ("season", "team")


def load_directory(
    directory: Path, seasons: Sequence[int], on_loaded: Callable[[str], None] | None = None
) -> NflverseSeasons:
    """Schedules and rosters from nflverse's parquet files in `directory`, as nflverse's
    releases name them (`games.parquet`, `roster_2025.parquet`; also under `schedules/`
    and `rosters/`, as the release paths go). Every file is read and checked before
    anything is written: a missing or foreign one is one line, exit 2."""
    import polars as pl

    if not directory.is_dir():
        raise UsageError(f"--from {directory}: no such directory")
    games = _read_file(directory, ("games.parquet", "schedules/games.parquet"), "schedules")
    _require_columns(games, SCHEDULE_KEY_COLUMNS, directory, "games.parquet")
    games = games.filter(pl.col("season").is_in(list(seasons)))
    if on_loaded:
        on_loaded("schedules")
    roster_rows: list[tuple[Any, ...]] = []
    for season in seasons:
        name = f"roster_{season}.parquet"
        frame = _read_file(directory, (name, f"rosters/{name}"), f"rosters for {season}")
        _require_columns(frame, ROSTER_KEY_COLUMNS, directory, name)
        if not {"full_name", "first_name", "last_name"} & set(frame.columns):
            raise UsageError(
                f"--from {directory}: {name} has no player names (full_name, first_name, "
                "last_name); it is not an nflverse roster file"
            )
        roster_rows.extend(_rows(frame, ROSTER_COLUMNS))
        if on_loaded:
            on_loaded(f"rosters {season}")
    return NflverseSeasons(tuple(_rows(games, SCHEDULE_COLUMNS)), tuple(roster_rows))


def _read_file(directory: Path, names: tuple[str, ...], what: str) -> Any:
    import polars as pl

    path = next((directory / n for n in names if (directory / n).is_file()), None)
    if path is None:
        raise UsageError(
            f"--from {directory}: no {names[0]} for {what}; put nflverse's file there under "
            f"its release name ({' or '.join(names)})"
        )
    try:
        return pl.read_parquet(path)
    except Exception as exc:  # polars raises its own kinds for every way a file is bad
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(
            f"--from {directory}: {path.name} is not a parquet file ({reason})"
        ) from None


def _require_columns(frame: Any, columns: Sequence[str], directory: Path, name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise UsageError(
            f"--from {directory}: {name} lacks {', '.join(missing)}; it is not the nflverse "
            "file of that name"
        )
