"""`import fast6` reads every cell through one decoder: what SQLite holds (integer, real,
text, blob, null) against the type the app declared. The app wrote numpy values, so an
INTEGER can be a little-endian BLOB; a value that cannot be read is a finding naming its
table, rowid and column, and then nothing is imported."""

from __future__ import annotations

import json
import struct
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from fast6_app import backup_file, current_file, not_utf8_text, numpy_int32

from cfbops.cli import main
from cfbops.nfl.fast6.importer import import_fast6
from tests.conftest import DatabaseUnderTest

ANN = {"id": 1, "name": "ann", "created_at": "2025-08-01 10:00:00"}
WEEK_1 = {"id": 1, "season": 2025, "week": 1, "created_at": "2025-08-20 00:00:00"}
# The row the app's numpy code added: week 1 again, its number a numpy.int32's bytes.
NUMPY_WEEK_1 = {"id": 2, "season": 2025, "week": numpy_int32(1)}


def pick(pick_id: int, week_id: int, player: str, **values):
    return {
        "id": pick_id,
        "user_id": 1,
        "week_id": week_id,
        "team": "KC",
        "player_name": player,
        "odds": 650,
        "game_id": "2025_01_KC_BUF",
        "created_at": "2025-09-05 12:00:00",
        **values,
    }


@pytest.fixture
def db(migrated_db: DatabaseUnderTest) -> DatabaseUnderTest:
    return migrated_db


@pytest.fixture
def numpy_week_file(tmp_path):
    return backup_file(
        tmp_path / "numpy-week.db",
        {
            "users": [ANN],
            "weeks": [WEEK_1, NUMPY_WEEK_1],
            "picks": [pick(1, 1, "Travis Kelce"), pick(2, 2, "Rashee Rice")],
            "results": [{"id": 1, "pick_id": 2, "actual_scorer": "Rashee Rice", "is_correct": 1}],
        },
    )


def picks_and_weeks(conn) -> list[tuple]:
    return conn.execute(
        "SELECT w.season, w.week, p.player_name, r.is_correct"
        "  FROM nfl.picks p JOIN nfl.weeks w ON w.id = p.week_id"
        "  LEFT JOIN nfl.results r ON r.pick_id = p.id ORDER BY p.player_name"
    ).fetchall()


def nfl_rows(conn) -> dict[str, list[tuple]]:
    tables = ("users", "weeks", "games", "picks", "results", "player_stats")
    return {t: conn.execute(f"SELECT * FROM nfl.{t} ORDER BY 1").fetchall() for t in tables}


def logged_findings(conn) -> list[tuple]:
    return conn.execute(
        "SELECT kind, source_table, source_id, source_column FROM ops.fast6_import_findings"
        " ORDER BY 1, 2, 3, 4"
    ).fetchall()


def test_a_numpy_blob_week_duplicating_week_1_is_merged_into_it_with_its_pick(
    db, db_conn, numpy_week_file
):
    result = import_fast6(db.settings, numpy_week_file)

    assert result.ok
    assert db_conn.execute("SELECT season, week FROM nfl.weeks").fetchall() == [(2025, 1)]
    assert picks_and_weeks(db_conn) == [
        (2025, 1, "Rashee Rice", True),
        (2025, 1, "Travis Kelce", None),
    ]
    assert ("duplicate_week", "weeks", 2, None) in logged_findings(db_conn)
    assert ("value_decoded", "weeks", 2, "week") in logged_findings(db_conn)


def test_the_numpy_week_file_imported_again_changes_nothing(db, db_conn, numpy_week_file):
    import_fast6(db.settings, numpy_week_file)
    before, findings = nfl_rows(db_conn), logged_findings(db_conn)

    again = import_fast6(db.settings, numpy_week_file)

    assert again.changed_rows == 0
    assert nfl_rows(db_conn) == before
    assert logged_findings(db_conn) == findings


def test_a_blob_that_is_no_integer_refuses_the_whole_file_with_a_finding(db, db_conn, tmp_path):
    path = backup_file(
        tmp_path / "odd-blob.db",
        {
            "users": [ANN],
            "weeks": [WEEK_1, {**NUMPY_WEEK_1, "week": b"\x01\x02\x03"}],
            "picks": [pick(1, 1, "Travis Kelce")],
        },
    )

    result = import_fast6(db.settings, path)

    assert (result.ok, result.refused, result.exit_code) == (False, True, 1)
    assert nfl_rows(db_conn) == {t: [] for t in nfl_rows(db_conn)}
    [finding] = db_conn.execute(
        "SELECT kind, source_table, source_id, source_column, detail"
        "  FROM ops.fast6_import_findings"
    ).fetchall()
    assert finding[:4] == ("undecodable_value", "weeks", 2, "week")
    assert "BLOB 010203 is not an integer" in finding[4]


def test_numpy_values_in_key_boolean_and_real_columns_are_decoded(db, db_conn, tmp_path):
    path = backup_file(
        tmp_path / "numpy.db",
        {
            "users": [{**ANN, "is_admin": b"\x01"}],
            "weeks": [{**WEEK_1, "season": struct.pack("<q", 2025)}],
            "picks": [pick(1, 1, "Travis Kelce", user_id=struct.pack("<q", 1))],
            "results": [
                {"id": 1, "pick_id": numpy_int32(1), "is_correct": b"\x00", "any_time_td": "true"}
            ],
            "player_stats": [
                {
                    "id": 1,
                    "player_name": "Travis Kelce",
                    "season": 2025,
                    "team": "KC",
                    "red_zone_targets": numpy_int32(4),
                }
            ],
        },
    )

    result = import_fast6(db.settings, path)

    assert result.ok
    assert db_conn.execute("SELECT is_admin FROM nfl.users").fetchone() == (True,)
    assert picks_and_weeks(db_conn) == [(2025, 1, "Travis Kelce", False)]
    assert db_conn.execute("SELECT any_time_td FROM nfl.results").fetchone() == (True,)
    assert db_conn.execute("SELECT red_zone_targets FROM nfl.player_stats").fetchone() == (4,)
    decoded = {
        (f.source_table, f.source_column) for f in result.findings if f.kind == "value_decoded"
    }
    assert decoded == {
        ("users", "is_admin"),
        ("weeks", "season"),
        ("picks", "user_id"),
        ("results", "pick_id"),
        ("results", "is_correct"),
        ("results", "any_time_td"),
        ("player_stats", "red_zone_targets"),
    }


def test_timestamps_in_each_format_the_app_wrote_are_read(db, db_conn, tmp_path):
    path = current_file(
        tmp_path / "times.db",
        {
            "users": [{**ANN, "created_at": "2025-08-01T10:00:00.250000"}],
            "weeks": [{**WEEK_1, "created_at": "2025-08-20 00:00:00+02:00"}],
            "picks": [pick(1, 1, "Travis Kelce", created_at="2025-09-05T12:00:00Z")],
        },
    )

    import_fast6(db.settings, path)

    assert db_conn.execute(
        "SELECT u.created_at, w.created_at, p.created_at FROM nfl.picks p"
        " JOIN nfl.users u ON u.id = p.user_id JOIN nfl.weeks w ON w.id = p.week_id"
    ).fetchone() == (
        datetime(2025, 8, 1, 10, 0, 0, 250000, tzinfo=UTC),
        datetime(2025, 8, 19, 22, 0, tzinfo=UTC),
        datetime(2025, 9, 5, 12, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("table", "column", "value", "reason"),
    [
        # Issue 26, item 12: none of these may pass silently.
        ("picks", "created_at", "yesterday", "is not a timestamp"),
        ("picks", "odds", float("inf"), "is not a finite number"),
        ("picks", "player_name", "Travis Kelce".encode("utf-16"), "is not UTF-8"),
        # Issue 25, item 1: each was an internal error.
        ("picks", "player_name", "Travis\x00Kelce", "holds a NUL byte"),
        ("users", "name", not_utf8_text(b"ann\xe9"), "is not UTF-8"),
        ("weeks", "season", 2**40, "out of range"),
        ("weeks", "week", "²", "is not an integer"),
    ],
)
def test_a_value_that_cannot_be_read_is_a_finding_and_nothing_is_imported(
    db, db_conn, tmp_path, table, column, value, reason
):
    rows = {"users": [ANN], "weeks": [WEEK_1], "picks": [pick(1, 1, "Travis Kelce")]}
    rows[table] = [{**rows[table][0], column: value}]
    path = backup_file(tmp_path / "bad-value.db", rows)

    result = import_fast6(db.settings, path)

    assert result.refused and result.exit_code == 1
    [finding] = [f for f in result.findings if f.kind == "undecodable_value"]
    assert (finding.source_table, finding.source_id, finding.source_column) == (table, 1, column)
    assert reason in finding.detail
    assert nfl_rows(db_conn) == {t: [] for t in nfl_rows(db_conn)}


def test_a_blob_of_utf8_text_is_read_as_the_text_and_said_so(db, db_conn, tmp_path):
    path = backup_file(
        tmp_path / "blob-name.db",
        {
            "users": [ANN],
            "weeks": [WEEK_1],
            "picks": [pick(1, 1, b"Travis Kelce")],
        },
    )

    result = import_fast6(db.settings, path)

    assert db_conn.execute("SELECT player_name FROM nfl.picks").fetchone() == ("Travis Kelce",)
    [note] = [f for f in result.findings if f.kind == "value_decoded"]
    assert note.source_column == "player_name" and "read as UTF-8 text" in note.detail


def test_an_out_of_range_week_is_not_imported_nor_counted_unchanged(db, db_conn, tmp_path):
    path = backup_file(
        tmp_path / "week-99.db",
        {
            "users": [ANN],
            "weeks": [WEEK_1, {"id": 2, "season": 2025, "week": 99}],
            "picks": [pick(1, 1, "Travis Kelce"), pick(2, 2, "Rashee Rice")],
        },
    )

    result = import_fast6(db.settings, path)

    weeks = next(t for t in result.tables if t.table == "nfl.weeks")
    assert (weeks.inserted, weeks.unchanged, weeks.not_taken_over) == (1, 0, 1)
    assert {(f.kind, f.source_table, f.source_id) for f in result.findings} >= {
        ("week_out_of_range", "weeks", 2),
        ("unplaced_pick", "picks", 2),
    }
    assert result.exit_code == 1


def test_the_cli_reports_an_unreadable_value_as_json_and_exits_1(db, tmp_path, capsys):
    path = backup_file(
        tmp_path / "nul.db",
        {"users": [ANN], "weeks": [WEEK_1], "picks": [pick(1, 1, "Travis\x00Kelce")]},
    )

    code = main(["--headless", "--database-url", db.url, "import", "fast6", str(path), "--json"])

    captured = capsys.readouterr()
    assert code == 1, captured.err
    document = json.loads(captured.out)
    assert document["refused"] is True
    [row] = document["not_imported"]
    assert (row["table"], row["id"], row["column"]) == ("picks", 1, "player_name")
    # The cell as the file holds it, NUL and all, as SQLite would write it.
    assert row["row"]["player_name"] == "CAST(X'547261766973004B656C6365' AS TEXT)"
    assert "internal error" not in captured.err


def test_odds_stored_as_numpy_float32_keep_their_value(db, db_conn, tmp_path):
    path = backup_file(
        tmp_path / "float32.db",
        {
            "users": [ANN],
            "weeks": [WEEK_1],
            "picks": [pick(1, 1, "Travis Kelce", odds=struct.pack("<f", 650.0))],
        },
    )

    import_fast6(db.settings, path)

    assert db_conn.execute("SELECT odds FROM nfl.picks").fetchone() == (Decimal("650.0"),)
