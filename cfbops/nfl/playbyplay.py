"""Touchdowns of a season's games, read from nflverse play-by-play through nflreadpy."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from cfbops.errors import OperationFailed, UsageError
from cfbops.nfl.teams import team_code

PBP_COLUMNS = ("game_id", "play_id", "touchdown", "td_player_id", "td_player_name", "td_team")


@dataclass(frozen=True, slots=True)
class Touchdown:
    """One touchdown as nflverse credits it: the scorer and the scoring team."""

    game_id: str
    play_id: int
    player_id: str | None
    player_name: str
    team: str


@dataclass(frozen=True, slots=True)
class SeasonPlays:
    """The games play-by-play covers, and their touchdowns in play order."""

    games: frozenset[str]
    touchdowns: dict[str, tuple[Touchdown, ...]]


def current_season() -> int:
    """The NFL season in progress (or just finished), by nflverse's own rule."""
    import nflreadpy

    return int(nflreadpy.get_current_season())


def load_touchdowns(season: int, game_ids: Collection[str]) -> SeasonPlays:
    """Load `season`'s play-by-play (nflreadpy's cache settings decide where from) and
    keep the touchdowns of `game_ids`."""
    import nflreadpy
    import polars as pl

    try:
        plays = nflreadpy.load_pbp([season])
    except ValueError as error:
        if "Season must be" in str(error):
            raise UsageError(f"--season {season}: {error} (nflverse has no such season)") from None
        raise OperationFailed(f"cannot read play-by-play for {season}: {error}") from None
    except ConnectionError as error:
        raise OperationFailed(
            f"cannot download play-by-play for {season}: {error}; check the network, or "
            "NFLREADPY_CACHE=filesystem with NFLREADPY_CACHE_DIR for local files"
        ) from None
    missing = [c for c in PBP_COLUMNS if c not in plays.columns]
    if missing:
        raise OperationFailed(
            f"play-by-play for {season} lacks the columns {', '.join(missing)}; "
            "update nflreadpy or clear its cache"
        )
    plays = plays.select(PBP_COLUMNS).filter(pl.col("game_id").is_in(list(game_ids)))
    covered = frozenset(plays.get_column("game_id").unique().to_list())
    scored = plays.filter(
        (pl.col("touchdown").cast(pl.Float64) == 1.0)
        & pl.col("td_team").is_not_null()
        & pl.col("td_player_name").is_not_null()
    ).sort(["game_id", "play_id"])
    by_game: dict[str, list[Touchdown]] = {}
    for row in scored.iter_rows(named=True):
        by_game.setdefault(row["game_id"], []).append(
            Touchdown(
                game_id=row["game_id"],
                play_id=int(row["play_id"]),
                player_id=row["td_player_id"] or None,
                player_name=row["td_player_name"],
                # Old seasons carry the codes of their era (OAK, SD, STL).
                team=team_code(row["td_team"]) or row["td_team"],
            )
        )
    return SeasonPlays(covered, {game: tuple(tds) for game, tds in by_game.items()})
