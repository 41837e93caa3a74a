"""`import fast6` then `sync nfl`: the app's made-up games take nflverse's ids and data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fast6_app import backup_file
from nflverse_files import NflverseCache, game, nflreadpy_cache, offline_nflverse, player

from cfbops.nfl.fast6.importer import import_fast6
from cfbops.nfl.sync import sync_nfl
from tests.conftest import DatabaseUnderTest

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def db(migrated_db: DatabaseUnderTest) -> DatabaseUnderTest:
    return migrated_db


@pytest.fixture
def nflverse(tmp_path, monkeypatch) -> Iterator[NflverseCache]:
    cache = offline_nflverse(tmp_path, monkeypatch)
    with nflreadpy_cache(cache.directory):
        yield cache


def test_imported_picks_meet_their_nflverse_games_and_positions(db, db_conn, tmp_path, nflverse):
    app_file = backup_file(
        tmp_path / "fast6.db",
        {
            "users": [{"id": 1, "name": "ann"}],
            "weeks": [{"id": 1, "season": 2019, "week": 1}, {"id": 2, "season": 2022, "week": 1}],
            "picks": [
                # The app wrote today's codes into its ids, and full team names.
                {
                    "id": 1,
                    "user_id": 1,
                    "week_id": 1,
                    "team": "Oakland Raiders",
                    "player_name": "Josh Jacobs",
                    "odds": 650,
                    "game_id": "2019_01_DEN_LV",
                },
                {
                    "id": 2,
                    "user_id": 1,
                    "week_id": 2,
                    "team": "Seattle Seahawks",
                    "player_name": "Kenneth Walker",
                    "odds": 700,
                    "game_id": "2022_01_DEN_SEA",
                },
            ],
        },
    )
    import_fast6(db.settings, app_file)
    nflverse.schedules(
        [
            game("2019_01_DEN_OAK", "2019-09-09", home_score=24, away_score=16),
            game("2022_01_DEN_SEA", "2022-09-12", home_score=17, away_score=16),
        ]
    )
    nflverse.rosters(2019, [player("OAK", "Josh Jacobs", "RB", "00-0035700")])
    nflverse.rosters(2022, [player("SEA", "Kenneth Walker III", "RB", "00-0037256")])

    result = sync_nfl(db.settings, [2019, 2022], now=NOW)

    picks = db_conn.execute(
        "SELECT p.player_name, p.team, p.game_id, p.position, g.status"
        " FROM nfl.picks AS p JOIN nfl.games AS g ON g.id = p.game_id ORDER BY p.id"
    ).fetchall()
    assert picks == [
        ("Josh Jacobs", "LV", "2019_01_DEN_OAK", "RB", "final"),
        ("Kenneth Walker", "SEA", "2022_01_DEN_SEA", "RB", "final"),
    ]
    assert db_conn.execute("SELECT count(*) FROM nfl.games").fetchone()[0] == 2
    assert result.games_renamed == 1
    assert result.unknown.picks == 0
