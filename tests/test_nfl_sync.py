"""`sync nfl`: schedules and rosters through nflreadpy's real loading path, offline."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from nflverse_files import NflverseCache, game, nflreadpy_cache, offline_nflverse, player

from cfbops.errors import ExitCode
from cfbops.nfl.nflverse import NflverseUnavailable
from cfbops.nfl.sync import sync_nfl
from tests.conftest import DatabaseUnderTest, cli_env, run_cli

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def db(migrated_db: DatabaseUnderTest) -> DatabaseUnderTest:
    return migrated_db


@pytest.fixture
def nflverse(tmp_path, monkeypatch) -> Iterator[NflverseCache]:
    cache = offline_nflverse(tmp_path, monkeypatch)
    with nflreadpy_cache(cache.directory):
        yield cache


@pytest.fixture
def files_2019_2022(nflverse: NflverseCache) -> NflverseCache:
    nflverse.schedules(
        [
            game("2019_01_DEN_OAK", "2019-09-09", home_score=24, away_score=16),
            game("2019_02_KC_OAK", "2019-09-15", home_score=10, away_score=28),
            game("2022_01_DEN_SEA", "2022-09-12", home_score=17, away_score=16),
        ]
    )
    nflverse.rosters(
        2019,
        [
            player("OAK", "Josh Jacobs", "RB", "00-0035700", 28),
            player("OAK", "Darren Waller", "TE", "00-0032234", 83),
            player("DEN", "Courtland Sutton", "WR", "00-0034348", 14),
            player("KC", "Travis Kelce", "TE", "00-0030506", 87),
        ],
    )
    nflverse.rosters(
        2022,
        [
            player("SEA", "Kenneth Walker III", "RB", "00-0037256", 9),
            player("SEA", "DK Metcalf", "WR", "00-0035640", 14),
            player("DEN", "Jaylen Smith", "WR", "00-0040001", 11),
            player("DEN", "Jordan Smith", "RB", "00-0040002", 32),
        ],
    )
    return nflverse


def add_user_pick(
    conn: psycopg.Connection,
    season: int,
    week: int,
    game_id: str,
    team: str,
    player_name: str,
    position: str | None = "Unknown",
) -> int:
    user = conn.execute(
        "INSERT INTO nfl.users (name) VALUES (%s) RETURNING id", (f"fan of {player_name}",)
    ).fetchone()[0]
    week_id = conn.execute(
        "INSERT INTO nfl.weeks (season, week) VALUES (%s, %s)"
        " ON CONFLICT (season, week) DO UPDATE SET week = excluded.week RETURNING id",
        (season, week),
    ).fetchone()[0]
    return conn.execute(
        "INSERT INTO nfl.picks (user_id, week_id, game_id, team, player_name, position)"
        " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
        (user, week_id, game_id, team, player_name, position),
    ).fetchone()[0]


def placeholder_game(conn: psycopg.Connection, game_id: str) -> None:
    """A game as the picks import makes it up from a pick's game_id, awaiting a sync."""
    season, week, away, home = game_id.split("_")
    conn.execute(
        "INSERT INTO nfl.games (id, season, week, home_team, away_team, status)"
        " VALUES (%s, %s, %s, %s, %s, 'scheduled')",
        (game_id, int(season), int(week), home, away),
    )


def row_counts(conn: psycopg.Connection) -> dict[str, int]:
    tables = ("games", "rosters", "weeks", "picks", "player_stats")
    return {t: conn.execute(f"SELECT count(*) FROM nfl.{t}").fetchone()[0] for t in tables}


def table_contents(conn: psycopg.Connection) -> dict[str, list]:
    return {
        t: conn.execute(f"SELECT * FROM nfl.{t} ORDER BY id").fetchall()
        for t in ("games", "rosters", "weeks", "picks", "player_stats")
    }


def test_a_second_sync_adds_no_rows(db, db_conn, files_2019_2022):
    first = sync_nfl(db.settings, [2019, 2022], now=NOW)
    after_first = table_contents(db_conn)

    second = sync_nfl(db.settings, [2019, 2022], now=NOW)

    assert (first.games_inserted, first.rosters_inserted) == (3, 8)
    assert row_counts(db_conn) == {
        "games": 3,
        "rosters": 8,
        "weeks": 3,
        "picks": 0,
        "player_stats": 0,
    }
    assert (second.games_inserted, second.games_updated) == (0, 0)
    assert (second.rosters_inserted, second.rosters_updated, second.weeks_inserted) == (0, 0, 0)
    assert table_contents(db_conn) == after_first


def test_a_2019_oakland_game_is_stored_under_todays_code(db, db_conn, files_2019_2022):
    sync_nfl(db.settings, [2019], now=NOW)

    row = db_conn.execute(
        "SELECT home_team, away_team, home_score, away_score, status FROM nfl.games"
        " WHERE id = '2019_01_DEN_OAK'"
    ).fetchone()
    assert row == ("LV", "DEN", 24, 16, "final")
    teams = {r[0] for r in db_conn.execute("SELECT DISTINCT team FROM nfl.rosters")}
    assert teams == {"LV", "DEN", "KC"}


def test_a_pick_on_the_raiders_in_oakland_gets_its_game_and_position(db, db_conn, files_2019_2022):
    # The old app wrote today's codes into its game ids: 2019_01_DEN_LV, not nflverse's.
    placeholder_game(db_conn, "2019_01_DEN_LV")
    pick = add_user_pick(db_conn, 2019, 1, "2019_01_DEN_LV", "LV", "Josh Jacobs")

    result = sync_nfl(db.settings, [2019], now=NOW)

    game_id, position = db_conn.execute(
        "SELECT game_id, position FROM nfl.picks WHERE id = %s", (pick,)
    ).fetchone()
    assert (game_id, position) == ("2019_01_DEN_OAK", "RB")
    assert result.games_renamed == 1
    status = db_conn.execute(
        "SELECT status FROM nfl.games WHERE id = '2019_01_DEN_OAK'"
    ).fetchone()[0]
    assert status == "final"
    assert db_conn.execute("SELECT count(*) FROM nfl.games").fetchone()[0] == 2


def test_a_suffixed_name_resolves(db, db_conn, files_2019_2022):
    placeholder_game(db_conn, "2022_01_DEN_SEA")
    pick = add_user_pick(db_conn, 2022, 1, "2022_01_DEN_SEA", "SEA", "Kenneth Walker")
    db_conn.execute(
        "INSERT INTO nfl.player_stats (player_name, season, team, position)"
        " VALUES ('Kenneth Walker', 2022, 'SEA', 'Unknown')"
    )

    sync_nfl(db.settings, [2022], now=NOW)

    assert (
        db_conn.execute("SELECT position FROM nfl.picks WHERE id = %s", (pick,)).fetchone()[0]
        == "RB"
    )
    assert (
        db_conn.execute(
            "SELECT position FROM nfl.player_stats WHERE player_name = 'Kenneth Walker'"
        ).fetchone()[0]
        == "RB"
    )


def test_teammates_sharing_a_last_name_keep_their_own_positions(db, db_conn, files_2019_2022):
    placeholder_game(db_conn, "2022_01_DEN_SEA")
    jaylen = add_user_pick(db_conn, 2022, 1, "2022_01_DEN_SEA", "DEN", "Jaylen Smith")
    jordan = add_user_pick(db_conn, 2022, 1, "2022_01_DEN_SEA", "DEN", "Jordan Smith", None)
    # A last name alone fits both of them: it must stay unknown, not take either's.
    smith = add_user_pick(db_conn, 2022, 1, "2022_01_DEN_SEA", "DEN", "Smith")
    db_conn.execute(
        "INSERT INTO nfl.player_stats (player_name, season, team, position) VALUES"
        " ('Jaylen Smith', 2022, 'DEN', 'Unknown'), ('Jordan Smith', 2022, 'DEN', NULL)"
    )

    result = sync_nfl(db.settings, [2022], now=NOW)

    positions = dict(
        db_conn.execute(
            "SELECT id, position FROM nfl.picks WHERE id = ANY(%s)", ([jaylen, jordan, smith],)
        ).fetchall()
    )
    assert positions == {jaylen: "WR", jordan: "RB", smith: "Unknown"}
    stats = dict(db_conn.execute("SELECT player_name, position FROM nfl.player_stats"))
    assert stats == {"Jaylen Smith": "WR", "Jordan Smith": "RB"}
    assert (result.unknown.picks, result.unknown.picks_total) == (1, 3)


def test_a_network_failure_in_the_middle_leaves_the_tables_as_they_were(
    db, db_conn, files_2019_2022
):
    placeholder_game(db_conn, "2019_01_DEN_LV")
    add_user_pick(db_conn, 2019, 1, "2019_01_DEN_LV", "LV", "Josh Jacobs")
    before = table_contents(db_conn)
    # 2019 and 2022 are in the cache; 2020 is not, and the network is down.

    with pytest.raises(NflverseUnavailable, match="rosters for 2020"):
        sync_nfl(db.settings, [2019, 2020, 2022], now=NOW)

    assert table_contents(db_conn) == before


def test_a_game_without_scores_is_scheduled_before_kickoff_and_in_progress_after(
    db, db_conn, nflverse
):
    nflverse.schedules(
        [
            game("2026_13_KC_BUF", "2026-11-30", gametime="08:00"),  # 13:00 UTC
            game("2026_13_DEN_LV", "2026-11-30", gametime="06:30"),  # 11:30 UTC
        ]
    )
    nflverse.rosters(2026, [])

    sync_nfl(db.settings, [2026], now=NOW)

    statuses = dict(db_conn.execute("SELECT id, status FROM nfl.games"))
    assert statuses == {"2026_13_KC_BUF": "scheduled", "2026_13_DEN_LV": "in_progress"}


def test_a_later_sync_carries_the_final_score(db, db_conn, nflverse):
    nflverse.schedules([game("2026_13_DEN_LV", "2026-11-30", gametime="06:30")])
    nflverse.rosters(2026, [])
    sync_nfl(db.settings, [2026], now=NOW)
    nflverse.schedules([game("2026_13_DEN_LV", "2026-11-30", 20, 23, gametime="06:30")])

    second = sync_nfl(db.settings, [2026], now=NOW)

    assert (second.games_inserted, second.games_updated) == (0, 1)
    row = db_conn.execute("SELECT home_score, away_score, status FROM nfl.games").fetchone()
    assert row == (20, 23, "final")


def offline_env() -> dict[str, str]:
    """The test's nflreadpy cache and dead proxy, for a `cfbops` subprocess."""
    passed = {
        k: v
        for k, v in os.environ.items()
        if k.startswith("NFLREADPY_") or k.lower().endswith("_proxy")
    }
    return cli_env(**passed)


def test_the_command_syncs_and_reports_json(db, db_conn, files_2019_2022):
    done = run_cli(
        "--headless",
        "sync",
        "nfl",
        "--seasons",
        "2019,2022",
        "--json",
        "--database-url",
        db.url,
        env=offline_env(),
    )

    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["ok"] is True
    assert document["seasons"] == [2019, 2022]
    assert document["games"]["inserted"] == 3
    assert document["rosters"]["inserted"] == 8


def test_the_command_reports_an_unreachable_nflverse_in_one_line(db, nflverse):
    done = run_cli(
        "--headless",
        "sync",
        "nfl",
        "--seasons",
        "2020",
        "--database-url",
        db.url,
        env=offline_env(),
    )

    assert done.returncode == ExitCode.FAILED
    assert done.stderr.count("\n") == 1
    assert "cannot load schedules from nflverse" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("seasons", ["twenty", "2022-2019", "1920"])
def test_bad_seasons_are_a_usage_error(db, seasons):
    done = run_cli("--headless", "sync", "nfl", "--seasons", seasons, "--database-url", db.url)

    assert done.returncode == ExitCode.USAGE
    assert done.stderr.startswith("cfbops: error:")
