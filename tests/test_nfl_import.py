"""`import fast6`: the picks app's SQLite file (built here in the backup's shape and the
current one) moves into nfl.*: losslessly, idempotently, duplicates resolved and logged."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from fast6_app import backup_file, current_file

from cfbops.errors import UsageError
from cfbops.nfl.fast6.importer import import_fast6
from tests.conftest import DatabaseUnderTest, run_cli, ui_modules_after

USERS = [
    {
        "id": 1,
        "name": "ann",
        "email": "ann@example.test",
        "group_id": 1,
        "is_admin": 0,
        "created_at": "2025-08-01 10:00:00",
    },
    {
        "id": 2,
        "name": "bob",
        "email": None,
        "group_id": 2,
        "is_admin": 0,
        "created_at": "2025-08-02 11:30:00",
    },
    {
        "id": 3,
        "name": "cat",
        "email": "cat@example.test",
        "group_id": 1,
        "is_admin": 1,
        "created_at": "2025-08-03 09:15:00",
    },
]
WEEKS = [
    {
        "id": 1,
        "season": 2025,
        "week": 1,
        "started_at": "2025-09-04 00:00:00",
        "ended_at": None,
        "created_at": "2025-08-20 00:00:00",
    },
    {
        "id": 2,
        "season": 2025,
        "week": 2,
        "started_at": None,
        "ended_at": None,
        "created_at": "2025-08-20 00:00:01",
    },
    {
        "id": 3,
        "season": 2019,
        "week": 1,
        "started_at": None,
        "ended_at": None,
        "created_at": "2019-08-20 00:00:00",
    },
]


def pick(id, user, week, team, player, odds, game, created, tr=None):
    return {
        "id": id,
        "user_id": user,
        "week_id": week,
        "team": team,
        "player_name": player,
        "odds": odds,
        "theoretical_return": tr,
        "created_at": created,
        "game_id": game,
    }


PICKS = [
    # Three picks of Kelce by ann in week 1: the latest (3) is kept and takes the result
    # of the latest removed pick that has one (2); pick 1's result goes.
    pick(
        1,
        1,
        1,
        "Kansas City Chiefs",
        "Travis Kelce",
        650,
        "2025_01_KC_BUF",
        "2025-09-05 12:00:00",
        6.5,
    ),
    pick(2, 1, 1, "KC", "Travis Kelce", 700, "2025_01_KC_BUF", "2025-09-05 12:05:00", 7.0),
    pick(3, 1, 1, "KC", "Travis Kelce", 750, "2025_01_KC_BUF", "2025-09-05 12:10:00", 7.5),
    pick(4, 2, 1, "BUF", "Josh Allen", -150, "2025_01_KC_BUF", "2025-09-06 08:00:00", 0.6667),
    # No game_id, and no game of the Rams in week 2 is known yet.
    pick(5, 2, 2, "LA Rams", "Puka Nacua", 500, None, "2025-09-12 08:00:00"),
    # 2019 Oakland: the game comes from its nflverse id, the team is today's LV.
    pick(6, 3, 3, "Oakland Raiders", "Josh Jacobs", 900, "2019_01_DEN_OAK", "2019-09-08 10:00:00"),
    pick(7, 3, 1, "Washington", "Terry McLaurin", 800, "2025_01_NYG_WAS", "2025-09-06 09:00:00"),
    pick(8, 3, 1, "Unknown", "Rashee Rice", 1000, "2025_01_KC_BUF", "2025-09-06 09:30:00"),
]
RESULTS = [
    {
        "id": 1,
        "pick_id": 1,
        "actual_scorer": "Travis Kelce",
        "is_correct": 1,
        "actual_return": 6.5,
        "created_at": "2025-09-08 02:00:00",
        "any_time_td": None,
    },
    {
        "id": 2,
        "pick_id": 2,
        "actual_scorer": "Josh Allen",
        "is_correct": 0,
        "actual_return": -1.0,
        "created_at": "2025-09-08 02:00:01",
        "any_time_td": 1,
    },
    {
        "id": 3,
        "pick_id": 4,
        "actual_scorer": "Josh Allen",
        "is_correct": 1,
        "actual_return": -1.5,
        "created_at": "2025-09-08 02:00:02",
        "any_time_td": 1,
    },
    {
        "id": 4,
        "pick_id": 6,
        "actual_scorer": "Josh Jacobs",
        "is_correct": 1,
        "actual_return": 9.0,
        "created_at": "2019-09-09 02:00:00",
        "any_time_td": None,
    },
    {
        "id": 5,
        "pick_id": 7,
        "actual_scorer": None,
        "is_correct": None,
        "actual_return": None,
        "created_at": "2025-09-08 02:00:03",
        "any_time_td": None,
    },
]
PLAYER_STATS = [
    {
        "id": 1,
        "player_name": "Josh Allen",
        "season": 2025,
        "team": "Buffalo Bills",
        "position": "QB",
        "games_played": 1,
        "first_td_count": 1,
        "any_time_td_count": 1,
        "red_zone_targets": 0,
        "red_zone_touches": 3,
        "last_td_week": 1,
        "recent_form": "HOT",
        "updated_at": "2025-09-08 02:00:02",
    },
    # The app counted a first TD that no graded pick supports.
    {
        "id": 2,
        "player_name": "Travis Kelce",
        "season": 2025,
        "team": "KC",
        "position": "Unknown",
        "games_played": 1,
        "first_td_count": 2,
        "any_time_td_count": 2,
        "red_zone_targets": 4,
        "red_zone_touches": 0,
        "last_td_week": 1,
        "recent_form": "AVERAGE",
        "updated_at": "2025-09-08 02:00:00",
    },
]
TEAM_RATINGS = [{"id": 1, "team": "KC", "season": 2025, "week": 1, "elo_rating": 1600.0}]


@pytest.fixture
def db(migrated_db: DatabaseUnderTest) -> DatabaseUnderTest:
    return migrated_db


@pytest.fixture
def backup(tmp_path):
    return backup_file(
        tmp_path / "fast6-backup.db",
        {
            "users": USERS,
            "weeks": WEEKS,
            "picks": PICKS,
            "results": RESULTS,
            "player_stats": PLAYER_STATS,
            "team_ratings": TEAM_RATINGS,
        },
    )


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def picks_by_source(conn) -> dict[tuple[str, int, int, str], tuple]:
    rows = conn.execute(
        "SELECT u.name, w.season, w.week, p.player_name, p.team, p.game_id, p.odds,"
        "       p.theoretical_return, p.created_at"
        "  FROM nfl.picks p JOIN nfl.users u ON u.id = p.user_id"
        "  JOIN nfl.weeks w ON w.id = p.week_id"
    ).fetchall()
    return {r[:4]: r[4:] for r in rows}


def results_by_source(conn) -> dict[tuple[str, str], tuple]:
    rows = conn.execute(
        "SELECT u.name, p.player_name, r.actual_scorer, r.is_correct, r.any_time_td,"
        "       r.actual_return, r.graded_at"
        "  FROM nfl.results r JOIN nfl.picks p ON p.id = r.pick_id"
        "  JOIN nfl.users u ON u.id = p.user_id"
    ).fetchall()
    return {r[:2]: r[2:] for r in rows}


def snapshot(conn) -> dict[str, list[tuple]]:
    tables = ("users", "weeks", "games", "picks", "results", "player_stats", "user_season_totals")
    return {t: conn.execute(f"SELECT * FROM nfl.{t} ORDER BY 1, 2").fetchall() for t in tables}


def test_users_and_weeks_arrive_with_every_column_of_the_app(db, db_conn, backup):
    import_fast6(db.settings, backup)

    users = db_conn.execute(
        "SELECT name, email, group_id, is_admin, created_at FROM nfl.users ORDER BY name"
    ).fetchall()
    assert users == [
        (u["name"], u["email"], u["group_id"], bool(u["is_admin"]), utc(u["created_at"]))
        for u in USERS
    ]
    weeks = db_conn.execute(
        "SELECT season, week, started_at, ended_at, created_at FROM nfl.weeks ORDER BY created_at"
    ).fetchall()
    assert weeks == [
        (
            w["season"],
            w["week"],
            w["started_at"] and utc(w["started_at"]),
            None,
            utc(w["created_at"]),
        )
        for w in sorted(WEEKS, key=lambda w: w["created_at"])
    ]


def test_picks_and_results_arrive_whole_with_teams_as_codes(db, db_conn, backup):
    import_fast6(db.settings, backup)

    assert picks_by_source(db_conn) == {
        ("ann", 2025, 1, "Travis Kelce"): (
            "KC",
            "2025_01_KC_BUF",
            Decimal("750.0"),
            Decimal("7.5"),
            utc("2025-09-05 12:10:00"),
        ),
        ("bob", 2025, 1, "Josh Allen"): (
            "BUF",
            "2025_01_KC_BUF",
            Decimal("-150.0"),
            Decimal("0.6667"),
            utc("2025-09-06 08:00:00"),
        ),
        ("cat", 2019, 1, "Josh Jacobs"): (
            "LV",
            "2019_01_DEN_OAK",
            Decimal("900.0"),
            None,
            utc("2019-09-08 10:00:00"),
        ),
        ("cat", 2025, 1, "Terry McLaurin"): (
            "WAS",
            "2025_01_NYG_WAS",
            Decimal("800.0"),
            None,
            utc("2025-09-06 09:00:00"),
        ),
        ("cat", 2025, 1, "Rashee Rice"): (
            "Unknown",
            "2025_01_KC_BUF",
            Decimal("1000.0"),
            None,
            utc("2025-09-06 09:30:00"),
        ),
    }
    assert results_by_source(db_conn) == {
        # Pick 2's result moved to the kept pick 3.
        ("ann", "Travis Kelce"): (
            "Josh Allen",
            False,
            True,
            Decimal("-1.0"),
            utc("2025-09-08 02:00:01"),
        ),
        ("bob", "Josh Allen"): (
            "Josh Allen",
            True,
            True,
            Decimal("-1.5"),
            utc("2025-09-08 02:00:02"),
        ),
        # any_time_td NULL (the app's v3 default) is no touchdown.
        ("cat", "Josh Jacobs"): (
            "Josh Jacobs",
            True,
            False,
            Decimal("9.0"),
            utc("2019-09-09 02:00:00"),
        ),
    }


def test_player_stats_keep_the_apps_columns_and_counters_are_recounted(db, db_conn, backup):
    result = import_fast6(db.settings, backup)

    rows = db_conn.execute(
        "SELECT player_name, season, team, position, games_played, red_zone_targets,"
        "       red_zone_touches, last_td_week, recent_form, first_td_count"
        "  FROM nfl.player_stats WHERE player_name IN ('Josh Allen', 'Travis Kelce')"
        " ORDER BY player_name"
    ).fetchall()
    assert rows == [
        ("Josh Allen", 2025, "BUF", "QB", 1, 0, 3, 1, "HOT", 1),
        ("Travis Kelce", 2025, "KC", "Unknown", 1, 4, 0, 1, "AVERAGE", 0),
    ]
    recounted = [f for f in result.findings if f.kind == "counter_recounted"]
    assert [(f.source_id, f.detail) for f in recounted] == [
        (2, "the app counted 2 first / 2 any-time TDs; recounted from graded picks: 0 / 1")
    ]


def test_duplicates_are_resolved_as_v0105_does_and_logged(db, db_conn, backup):
    import_fast6(db.settings, backup)

    logged = db_conn.execute(
        "SELECT source_id, detail, source_row ->> 'odds', source_row -> 'result' ->> 'id'"
        "  FROM ops.fast6_import_findings WHERE kind = 'duplicate_pick' ORDER BY source_id"
    ).fetchall()
    assert logged == [
        (1, "duplicate of pick 3 (kept, the latest): its result dropped", "650.0", "1"),
        (
            2,
            "duplicate of pick 3 (kept, the latest): its result moved to the kept pick",
            "700.0",
            "2",
        ),
    ]


def test_a_pick_game_id_no_game_has_becomes_a_scheduled_game(db, db_conn, backup):
    result = import_fast6(db.settings, backup)

    games = db_conn.execute(
        "SELECT id, season, week, game_type, home_team, away_team, status FROM nfl.games"
        " ORDER BY id"
    ).fetchall()
    assert games == [
        ("2019_01_DEN_OAK", 2019, 1, "REG", "LV", "DEN", "scheduled"),
        ("2025_01_KC_BUF", 2025, 1, "REG", "BUF", "KC", "scheduled"),
        ("2025_01_NYG_WAS", 2025, 1, "REG", "WAS", "NYG", "scheduled"),
    ]
    assert result.count("game_parsed") == 3  # logged once per game, by its first pick


def test_a_pick_without_game_id_or_team_game_is_reported_with_its_row(db, db_conn, backup):
    result = import_fast6(db.settings, backup)

    assert not result.ok
    [unplaced] = [f for f in result.findings if f.kind == "unplaced_pick"]
    assert unplaced.source_id == 5
    assert (unplaced.row["player_name"], unplaced.row["team"]) == ("Puka Nacua", "LA Rams")
    assert "sync nfl" in unplaced.detail
    logged = db_conn.execute(
        "SELECT source_row ->> 'player_name' FROM ops.fast6_import_findings"
        " WHERE kind = 'unplaced_pick'"
    ).fetchall()
    assert logged == [("Puka Nacua",)]


def test_a_pick_without_game_id_goes_to_its_teams_game_of_the_week(db, db_conn, backup):
    db_conn.execute(
        "INSERT INTO nfl.games (id, season, week, home_team, away_team, status)"
        " VALUES ('2025_02_LA_TEN', 2025, 2, 'TEN', 'LA', 'final')"
    )

    result = import_fast6(db.settings, backup)

    assert result.ok
    assert picks_by_source(db_conn)[("bob", 2025, 2, "Puka Nacua")][:2] == (
        "LA",
        "2025_02_LA_TEN",
    )


def test_a_second_import_changes_nothing(db, db_conn, backup):
    import_fast6(db.settings, backup)
    before = snapshot(db_conn)
    logged = "SELECT kind, source_table, source_id FROM ops.fast6_import_findings ORDER BY 1, 2, 3"
    findings_before = db_conn.execute(logged).fetchall()

    again = import_fast6(db.settings, backup)

    assert snapshot(db_conn) == before
    assert again.changed_rows == 0
    assert db_conn.execute(logged).fetchall() == findings_before


def test_a_dry_run_reports_the_import_and_changes_nothing(db, db_conn, backup):
    before = snapshot(db_conn)

    dry = import_fast6(db.settings, backup, dry_run=True)

    assert snapshot(db_conn) == before
    assert db_conn.execute("SELECT count(*) FROM ops.fast6_import_findings").fetchone()[0] == 0
    changes = {t.table: (t.source_rows, t.inserted, t.not_taken_over) for t in dry.tables}
    # 2 duplicates and 1 unplaced pick; their results and the ungraded one stay out.
    assert changes["nfl.picks"] == (8, 5, 3)
    assert changes["nfl.results"] == (5, 3, 2)
    # Mapped: Kansas City Chiefs, Oakland Raiders, Washington, LA Rams.
    assert (dry.count("duplicate_pick"), dry.count("team_mapped"), dry.count("team_unmapped")) == (
        2,
        4,
        1,
    )
    assert dry.unknown_positions == 5  # no rosters yet


def test_the_current_shape_with_its_games_imports_the_same_way(db, db_conn, tmp_path):
    games = [
        {
            "id": "2025_01_KC_BUF",
            "season": 2025,
            "week": 1,
            "game_date": "2025-09-07",
            "home_team": "BUF",
            "away_team": "KC",
            "home_score": 24,
            "away_score": 20,
            "status": "final",
        }
    ]
    users = [{**USERS[0], "base_bet": 5.0}]
    path = current_file(
        tmp_path / "fast6.db",
        {
            "users": users,
            "weeks": WEEKS[:1],
            "games": games,
            "picks": [{**PICKS[2], "team": "Kansas City Chiefs"}],
            "results": [{**RESULTS[0], "pick_id": 3}],
        },
    )

    result = import_fast6(db.settings, path)

    assert result.ok and result.shape == "v20"
    assert db_conn.execute(
        "SELECT id, game_date::text, home_score, away_score, status FROM nfl.games"
    ).fetchall() == [("2025_01_KC_BUF", "2025-09-07", 24, 20, "final")]
    assert db_conn.execute("SELECT base_bet FROM nfl.users").fetchone()[0] == Decimal("5.0")
    assert picks_by_source(db_conn)[("ann", 2025, 1, "Travis Kelce")][:2] == (
        "KC",
        "2025_01_KC_BUF",
    )


def test_rows_whose_game_id_and_created_at_were_swapped_are_put_right(db, db_conn, tmp_path):
    swapped = {**PICKS[3], "game_id": "2025-09-06 08:00:00", "created_at": "2025_01_KC_BUF"}
    path = current_file(
        tmp_path / "fast6.db", {"users": USERS[1:2], "weeks": WEEKS[:1], "picks": [swapped]}
    )

    import_fast6(db.settings, path)

    assert picks_by_source(db_conn)[("bob", 2025, 1, "Josh Allen")][1] == "2025_01_KC_BUF"


def test_a_file_that_is_not_the_apps_database_is_refused(db, tmp_path):
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("hello")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()

    with pytest.raises(UsageError, match="not a SQLite database"):
        import_fast6(db.settings, not_sqlite)
    with pytest.raises(UsageError, match="not a picks app database"):
        import_fast6(db.settings, other)
    with pytest.raises(UsageError, match="no such file"):
        import_fast6(db.settings, tmp_path / "missing.db")


def test_the_cli_reports_json_and_exits_1_for_an_unplaced_pick(db, backup):
    result = run_cli(
        "--headless",
        "import",
        "fast6",
        str(backup),
        "--json",
        "--database-url",
        db.url,
        "--home",
        str(db.home),
    )

    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is False
    assert [p["row"]["player_name"] for p in document["not_imported"]] == ["Puka Nacua"]
    assert document["duplicates_removed"] == 2
    assert document["other_tables"] == {"kickoff_decisions": 0, "team_ratings": 1}


def test_the_cli_dry_run_prints_what_would_change(db, db_conn, backup):
    result = run_cli(
        "--headless",
        "import",
        "fast6",
        str(backup),
        "--dry-run",
        "--database-url",
        db.url,
        "--home",
        str(db.home),
    )

    assert "Dry run: nothing was changed." in result.stdout
    assert "would be inserted" in result.stdout
    assert db_conn.execute("SELECT count(*) FROM nfl.picks").fetchone()[0] == 0


def test_positions_come_from_the_rosters_and_the_rest_are_counted(db, db_conn, backup):
    db_conn.execute(
        "INSERT INTO nfl.rosters (season, team, player_name, position, gsis_id) VALUES"
        " (2025, 'KC', 'Travis Kelce', 'TE', '00-0030506'),"
        " (2025, 'BUF', 'Josh Allen', 'QB', '00-0034857')"
    )

    result = import_fast6(db.settings, backup)

    positions = db_conn.execute(
        "SELECT player_name, position FROM nfl.picks WHERE position IS NOT NULL"
        " ORDER BY player_name"
    ).fetchall()
    assert positions == [("Josh Allen", "QB"), ("Travis Kelce", "TE")]
    assert (result.unknown_positions, result.imported_picks) == (3, 5)


def test_a_second_result_of_one_pick_wins_and_the_first_is_logged(db, db_conn, tmp_path):
    later = {**RESULTS[2], "id": 9, "is_correct": 0, "actual_scorer": "James Cook"}
    path = backup_file(
        tmp_path / "two-results.db",
        {
            "users": USERS[1:2],
            "weeks": WEEKS[:1],
            "picks": [PICKS[3]],
            "results": [RESULTS[2], later],
        },
    )

    result = import_fast6(db.settings, path)

    assert results_by_source(db_conn)[("bob", "Josh Allen")][:2] == ("James Cook", False)
    assert [
        (f.source_id, f.row["actual_scorer"])
        for f in result.findings
        if f.kind == "duplicate_result"
    ] == [(3, "Josh Allen")]


def test_import_and_grade_load_no_ui_library(tmp_path):
    for argv in (
        ("--headless", "import", "fast6", str(tmp_path / "missing.db")),
        ("--headless", "grade", "--week", "0"),
    ):
        code, loaded = ui_modules_after(*argv)
        assert code == 2
        assert loaded == []
