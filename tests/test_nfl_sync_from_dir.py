"""`sync nfl --from DIR`: nflverse's parquet files read directly, and an nflreadpy cache miss
that says how offline files must be placed (issue 23 §6)."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest
from nflverse_files import (
    ROSTER_SCHEMA,
    SCHEDULE_SCHEMA,
    cache_file,
    game,
    nflreadpy_cache,
    offline_nflverse,
    player,
)

from cfbops.errors import ExitCode, UsageError
from cfbops.nfl.nflverse import NflverseUnavailable, cache_name
from cfbops.nfl.sync import sync_nfl
from tests.conftest import DatabaseUnderTest, cli_env, run_cli


@pytest.fixture
def db(migrated_db: DatabaseUnderTest) -> DatabaseUnderTest:
    return migrated_db


@pytest.fixture
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """No way out to the network: what --from reads must come from the directory."""
    cache = offline_nflverse(tmp_path, monkeypatch)
    with nflreadpy_cache(cache.directory):
        yield cache


def release_files(directory: Path, *, nested: bool = False) -> Path:
    """nflverse's files for 2019 under their release names."""
    games = directory / ("schedules/games.parquet" if nested else "games.parquet")
    rosters = directory / ("rosters/roster_2019.parquet" if nested else "roster_2019.parquet")
    games.parent.mkdir(parents=True, exist_ok=True)
    rosters.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(
        [
            game("2019_01_DEN_OAK", "2019-09-09", home_score=24, away_score=16),
            game("2022_01_DEN_SEA", "2022-09-12", home_score=17, away_score=16),
        ],
        schema=SCHEDULE_SCHEMA,
    ).write_parquet(games)
    pl.DataFrame(
        [{"season": 2019, **player("OAK", "Josh Jacobs", "RB", "00-0035700", 28)}],
        schema=ROSTER_SCHEMA,
    ).write_parquet(rosters)
    return directory


@pytest.mark.parametrize("nested", [False, True], ids=["flat", "release-paths"])
def test_sync_from_a_directory_of_release_files_stores_the_seasons(
    db: DatabaseUnderTest, offline, tmp_path: Path, nested: bool
) -> None:
    directory = release_files(tmp_path / "nflverse", nested=nested)

    result = sync_nfl(db.settings, [2019], source_dir=directory)

    assert (result.games_inserted, result.rosters_inserted) == (1, 1)
    with db.connect() as conn:
        assert conn.execute("SELECT id, home_team FROM nfl.games").fetchall() == [
            ("2019_01_DEN_OAK", "LV")
        ]


def test_a_season_without_its_roster_file_is_exit_2_naming_the_file(
    db: DatabaseUnderTest, offline, tmp_path: Path
) -> None:
    directory = release_files(tmp_path / "nflverse")

    with pytest.raises(UsageError, match=r"no roster_2020\.parquet for rosters for 2020"):
        sync_nfl(db.settings, [2019, 2020], source_dir=directory)

    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM nfl.games").fetchone()[0] == 0


def test_a_file_that_is_not_parquet_or_not_nflverses_is_refused(
    db: DatabaseUnderTest, offline, tmp_path: Path
) -> None:
    directory = release_files(tmp_path / "nflverse")
    (directory / "roster_2019.parquet").write_text("season,team\n2019,KC\n")
    with pytest.raises(UsageError, match=r"roster_2019\.parquet is not a parquet file"):
        sync_nfl(db.settings, [2019], source_dir=directory)

    pl.DataFrame({"week": [1]}).write_parquet(directory / "games.parquet")
    with pytest.raises(UsageError, match=r"games\.parquet lacks game_id, season"):
        sync_nfl(db.settings, [2019], source_dir=directory)


def test_the_command_reads_from_a_directory(db: DatabaseUnderTest, offline, tmp_path) -> None:
    directory = release_files(tmp_path / "nflverse")
    passed = {k: v for k, v in os.environ.items() if k.lower().endswith("_proxy")}

    done = run_cli(
        "--database-url", db.url, "--headless", "sync", "nfl", "--seasons", "2019",
        "--from", str(directory), env=cli_env(**passed),
    )  # fmt: skip
    missing = run_cli(
        "--database-url", db.url, "--headless", "sync", "nfl", "--seasons", "2019",
        "--from", str(tmp_path / "nowhere"), env=cli_env(**passed),
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert missing.returncode == ExitCode.USAGE
    assert "no such directory" in missing.stderr


def test_a_cache_miss_says_where_nflreadpy_would_look_and_for_how_long(
    db: DatabaseUnderTest, offline
) -> None:
    expected = cache_file(offline.directory, "rosters/roster_2020", season=2020).name
    offline.schedules([game("2020_01_KC_HOU", "2020-09-10")])

    with pytest.raises(NflverseUnavailable) as failure:
        sync_nfl(db.settings, [2020])

    message = str(failure.value)
    assert cache_name("rosters/roster_2020", season=2020) == expected
    assert expected in message and "md5(url + args).parquet" in message
    assert "24 h" in message and "--from DIR" in message
