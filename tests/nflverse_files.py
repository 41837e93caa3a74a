"""Fixture files for nflreadpy: parquet placed in its filesystem cache, where its real
loading path (`load_pbp` → downloader → cache) finds them without any network."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl
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
