"""Fixture files for nflreadpy: parquet placed in its filesystem cache, where its real
loading path (`load_pbp`, `load_rosters`, `load_schedules` → downloader → cache) finds
them without any network.

nflreadpy is never patched: tests point it at a cache directory through its own settings
(NFLREADPY_CACHE=filesystem, NFLREADPY_CACHE_DIR) and store fixture frames there under
the URL its loaders will ask for. `offline_nflverse` also sends any download it would
still attempt to a proxy on 127.0.0.1 that nothing listens on, so a missing file fails
at once, as with the network down, and nothing ever leaves the machine.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from nflreadpy import config as nflreadpy_config
from nflreadpy.cache import get_cache_manager
from nflreadpy.config import DataFormat
from nflreadpy.downloader import get_downloader

PBP_SCHEMA = {
    "game_id": pl.String,
    "play_id": pl.Float64,
    "posteam": pl.String,
    "desc": pl.String,
    "touchdown": pl.Float64,
    "td_player_id": pl.String,
    "td_player_name": pl.String,
    "td_team": pl.String,
}


def cache_file(cache_dir: Path, repository_path: str, **params: Any) -> Path:
    """Where nflreadpy looks for a release file in its filesystem cache: the name is a
    hash of the download URL and the loader's parameters (nflreadpy 0.1.5, cache.py)."""
    url = get_downloader()._build_url("nflverse-data", repository_path, DataFormat.PARQUET)
    return cache_dir / f"{get_cache_manager()._get_cache_key(url, **params)}.parquet"


def write_pbp(cache_dir: Path, season: int, plays: Sequence[dict[str, Any]]) -> Path:
    """Play-by-play of `season` as `load_pbp([season])` will read it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    rows = [{column: play.get(column) for column in PBP_SCHEMA} for play in plays]
    path = cache_file(cache_dir, f"pbp/play_by_play_{season}", season=season)
    pl.DataFrame(rows, schema=PBP_SCHEMA).write_parquet(path)
    return path


def nflreadpy_env(cache_dir: Path) -> dict[str, str]:
    """The environment that points a cfbops process's nflreadpy at `cache_dir`."""
    return {"NFLREADPY_CACHE": "filesystem", "NFLREADPY_CACHE_DIR": str(cache_dir)}


@contextmanager
def nflreadpy_cache(cache_dir: Path) -> Iterator[Path]:
    """This process's nflreadpy reads `cache_dir`, through its own settings API."""
    nflreadpy_config.update_config(cache_mode="filesystem", cache_dir=cache_dir)
    try:
        yield cache_dir
    finally:
        nflreadpy_config.reset_config()


SCHEDULE_SCHEMA = {
    "game_id": pl.Utf8,
    "season": pl.Int32,
    "game_type": pl.Utf8,
    "week": pl.Int32,
    "gameday": pl.Utf8,
    "gametime": pl.Utf8,
    "away_team": pl.Utf8,
    "away_score": pl.Int32,
    "home_team": pl.Utf8,
    "home_score": pl.Int32,
}
ROSTER_SCHEMA = {
    "season": pl.Int32,
    "team": pl.Utf8,
    "position": pl.Utf8,
    "depth_chart_position": pl.Utf8,
    "jersey_number": pl.Int32,
    "status": pl.Utf8,
    "full_name": pl.Utf8,
    "first_name": pl.Utf8,
    "last_name": pl.Utf8,
    "gsis_id": pl.Utf8,
    "espn_id": pl.Utf8,
    "sleeper_id": pl.Utf8,
}


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True, slots=True)
class NflverseCache:
    directory: Path

    def schedules(self, games: Iterable[Mapping[str, Any]]) -> None:
        """All seasons' games, as `load_schedules` reads them (one file, filtered after)."""
        frame = pl.DataFrame(list(games), schema=SCHEDULE_SCHEMA)
        frame.write_parquet(cache_file(self.directory, "schedules/games"))

    def rosters(self, season: int, players: Iterable[Mapping[str, Any]]) -> None:
        """One season's rosters, as `load_rosters(season)` reads them."""
        rows = [{"season": season, **p} for p in players]
        frame = pl.DataFrame(rows, schema=ROSTER_SCHEMA)
        frame.write_parquet(cache_file(self.directory, f"rosters/roster_{season}", season=season))

    def files(self) -> list[Path]:
        return sorted(self.directory.glob("*.parquet"))


def offline_nflverse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> NflverseCache:
    """An empty nflreadpy cache directory named in the environment (for `cfbops`
    subprocesses; in-process, enter `nflreadpy_cache`), and no way out to the network."""
    directory = tmp_path / "nflreadpy-cache"
    directory.mkdir()
    dead_proxy = f"http://127.0.0.1:{unused_port()}"
    monkeypatch.setenv("NFLREADPY_CACHE", "filesystem")
    monkeypatch.setenv("NFLREADPY_CACHE_DIR", str(directory))
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, dead_proxy)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    return NflverseCache(directory)


def game(
    game_id: str,
    gameday: str,
    home_score: int | None = None,
    away_score: int | None = None,
    gametime: str = "13:00",
    game_type: str = "REG",
) -> dict[str, Any]:
    """A schedule row from an nflverse game_id: {season}_{WW}_{away}_{home}."""
    season, week, away, home = game_id.split("_")
    return {
        "game_id": game_id,
        "season": int(season),
        "game_type": game_type,
        "week": int(week),
        "gameday": gameday,
        "gametime": gametime,
        "away_team": away,
        "away_score": away_score,
        "home_team": home,
        "home_score": home_score,
    }


def player(
    team: str,
    full_name: str,
    position: str,
    gsis_id: str,
    jersey_number: int | None = None,
    status: str = "ACT",
) -> dict[str, Any]:
    first, _, last = full_name.partition(" ")
    return {
        "team": team,
        "position": position,
        "depth_chart_position": position,
        "jersey_number": jersey_number,
        "status": status,
        "full_name": full_name,
        "first_name": first,
        "last_name": last,
        "gsis_id": gsis_id,
        "espn_id": None,
        "sleeper_id": None,
    }


def files_for_the_demo(
    conn, cache: NflverseCache, final_scores: Mapping[str, tuple[int, int]] | None = None
) -> int:
    """nflverse's view of the demo season: its schedule, and its rosters as nflverse
    publishes them, practice squads included. The demo's picks name about a quarter of
    players its 53-man rosters lack (call-ups); nflverse lists those, except the
    nicknames no roster has (every eighth such name here). `final_scores` (home, away)
    finish games the demo has under way. Returns the season."""
    season = conn.execute("SELECT max(season) FROM nfl.games").fetchone()[0]
    final_scores = final_scores or {}
    cache.schedules(
        game(g_id, str(day), *final_scores.get(g_id, (home, away)))
        for g_id, day, home, away in conn.execute(
            "SELECT id, game_date, home_score, away_score FROM nfl.games WHERE season = %s"
            " ORDER BY id",
            (season,),
        )
    )
    players = [
        player(team, name, position, gsis_id, jersey)
        for team, name, position, gsis_id, jersey in conn.execute(
            "SELECT team, player_name, position, gsis_id, jersey_number FROM nfl.rosters"
            " WHERE season = %s ORDER BY id",
            (season,),
        )
    ]
    call_ups = conn.execute(
        "SELECT DISTINCT p.team, p.player_name FROM nfl.picks AS p"
        " WHERE NOT EXISTS (SELECT FROM nfl.rosters AS r WHERE r.season = %s"
        "   AND r.team = p.team"
        "   AND nfl.normalize_player_name(r.player_name) = nfl.normalize_player_name(p.player_name))"
        " ORDER BY 1, 2",
        (season,),
    ).fetchall()
    for n, (team, name) in enumerate(call_ups):
        if n % 8 == 7:
            continue
        players.append(
            player(team, name, ("WR", "RB", "TE")[n % 3], f"00-0099{n:04d}", status="DEV")
        )
    cache.rosters(season, players)
    return season
