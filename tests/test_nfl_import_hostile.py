"""Hostile files for `import fast6`: a file cfbops cannot take is refused with one line and
exit 2 before anything changes; rows it cannot read are findings (exit 1); never an
internal error. Then a seeded fuzz run over generated files."""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
import struct
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fast6_app import BACKUP_DDL, CURRENT_DDL, Raw, backup_file, build_file, numpy_int32

from cfbops.cli import main
from tests.conftest import DatabaseUnderTest

USERS = [{"id": n, "name": name} for n, name in enumerate(("ann", "bob", "cat"), start=1)]
WEEKS = [
    {"id": 1, "season": 2025, "week": 1, "created_at": "2025-08-20 00:00:00"},
    {"id": 2, "season": 2025, "week": 2, "created_at": "2025-08-27 00:00:00"},
]
PICKS = [
    {
        "id": n,
        "user_id": 1 + n % 3,
        "week_id": 1 + n % 2,
        "team": team,
        "player_name": player,
        "odds": 400 + 50 * n,
        "game_id": f"2025_0{1 + n % 2}_KC_BUF",
        "created_at": "2025-09-05 12:00:00",
    }
    for n, (team, player) in enumerate(
        [("KC", "Travis Kelce"), ("BUF", "Josh Allen"), ("KC", "Rashee Rice")] * 2, start=1
    )
]
RESULTS = [
    {"id": 1, "pick_id": 1, "actual_scorer": "Travis Kelce", "is_correct": 1, "any_time_td": 1},
    {"id": 2, "pick_id": 2, "actual_scorer": "Travis Kelce", "is_correct": 0, "any_time_td": 0},
]
PLAYER_STATS = [{"id": 1, "player_name": "Travis Kelce", "season": 2025, "team": "KC"}]
GAMES = [
    {
        "id": "2025_01_KC_BUF",
        "season": 2025,
        "week": 1,
        "game_date": "2025-09-07",
        "home_team": "BUF",
        "away_team": "KC",
        "status": "final",
    }
]
ROWS: dict[str, list[dict[str, Any]]] = {
    "users": USERS,
    "weeks": WEEKS,
    "picks": PICKS,
    "results": RESULTS,
    "player_stats": PLAYER_STATS,
}
NFL_TABLES = ("users", "weeks", "games", "picks", "results", "player_stats")


@pytest.fixture
def db(migrated_db: DatabaseUnderTest) -> DatabaseUnderTest:
    return migrated_db


def run_import(db: DatabaseUnderTest, capsys, path: Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--headless", "--database-url", db.url, "import", "fast6", str(path), "--json"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def database_state(conn: psycopg.Connection) -> dict[str, str]:
    """Every nfl table's rows and the import log, as checksums."""
    state = {}
    for table in (*(f"nfl.{t}" for t in NFL_TABLES), "ops.fast6_imports"):
        state[table] = conn.execute(
            f"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)),"
            f" '') FROM {table} AS t"
        ).fetchone()[0]
    return state


def refused_with_one_line(code: int, out: str, err: str, *expected: str) -> None:
    assert code == 2, err
    # Progress lines aside ("import fast6 [1/8] read …"), one line says what is wrong.
    lines = [line for line in err.strip().splitlines() if not line.startswith("import fast6 [")]
    assert len(lines) == 1 and "internal error" not in err, err
    assert json.loads(out)["ok"] is False
    for text in expected:
        assert text in lines[0]


def test_a_truncated_file_is_refused_before_anything_changes(db, db_conn, tmp_path, capsys):
    path = backup_file(tmp_path / "fast6.db", ROWS)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = database_state(db_conn)

    code, out, err = run_import(db, capsys, path)

    refused_with_one_line(code, out, err, str(path), "intact")
    assert database_state(db_conn) == before


def test_a_schema_damaged_past_reading_as_text_is_refused(db, tmp_path, capsys):
    path = backup_file(tmp_path / "fast6.db", ROWS)
    # The picks table's name no longer UTF-8, its statement no longer SQL: SQLite's own
    # message then quotes bytes Python's sqlite3 cannot decode (found by the fuzz run).
    data = path.read_bytes().replace(b"tablepickspicks", b"table\xd9ickspicks", 1)
    path.write_bytes(data.replace(b"CREATE TABLE picks (", b"CREATE TABLX picks (", 1))

    code, out, err = run_import(db, capsys, path)

    refused_with_one_line(code, out, err, "cannot read it as SQLite")


def test_a_table_lacking_a_column_is_refused_naming_table_and_column(db, db_conn, tmp_path, capsys):
    path = backup_file(tmp_path / "fast6.db", ROWS)
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE picks DROP COLUMN player_name")
    conn.close()

    code, out, err = run_import(db, capsys, path)

    refused_with_one_line(code, out, err, "table picks has no column player_name")


def test_a_schema_version_that_is_no_number_is_refused(db, tmp_path, capsys):
    path = backup_file(tmp_path / "fast6.db", ROWS)
    with sqlite3.connect(path) as conn:
        # Not the app's INTEGER PRIMARY KEY (which refuses text): a hand-made table.
        _without_constraints(conn, "schema_version")
        conn.execute("INSERT INTO schema_version (version) VALUES ('abc')")
    conn.close()

    code, out, err = run_import(db, capsys, path)

    refused_with_one_line(code, out, err, "schema_version", "'abc'")


def test_a_database_without_the_picks_game_schema_is_told_to_migrate(empty_db, tmp_path, capsys):
    path = backup_file(tmp_path / "fast6.db", ROWS)

    code, out, err = run_import(empty_db, capsys, path)

    refused_with_one_line(code, out, err, "run 'cfbops --headless migrate' first")


# --- the fuzz run --------------------------------------------------------------------

FUZZ_SEED = 20260523
FUZZ_CASES = 40
ODD_VALUES: list[Any] = [
    None,
    0,
    -1,
    2**31,
    2**63 - 1,
    1.5,
    1e308,
    float("inf"),
    float("-inf"),
    "",
    "abc",
    " 12 ",
    "2025-13-45 99:00:00",
    "true",
    "a\x00b",
    "é" * 3,
    "²",
    "x" * 5000,
    b"",
    b"\x00",
    b"\xff\xfe\x00",
    numpy_int32(7),
    struct.pack("<q", 7),
    struct.pack("<d", 6.5),
    Raw("CAST(X'FF' AS TEXT)"),
    Raw("CAST(X'C328' AS TEXT)"),
]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]


def _without_constraints(conn: sqlite3.Connection, table: str, drop: str | None = None) -> None:
    """The table rebuilt without keys or NOT NULL (and without column `drop`)."""
    keep = ", ".join(f'"{c}"' for c in _columns(conn, table) if c != drop)
    conn.execute(f'CREATE TABLE "fuzz_new" AS SELECT {keep} FROM "{table}"')
    conn.execute(f'DROP TABLE "{table}"')
    conn.execute(f'ALTER TABLE "fuzz_new" RENAME TO "{table}"')


def _odd_value(conn: sqlite3.Connection, rng: random.Random) -> None:
    table = rng.choice(_tables(conn))
    column = rng.choice(_columns(conn, table))
    value = rng.choice(ODD_VALUES)
    if rng.random() < 0.3:
        _without_constraints(conn, table)
    target = (
        f'UPDATE "{table}" SET "{column}" = {{}} WHERE rowid = (SELECT min(rowid) FROM "{table}")'
    )
    try:
        if isinstance(value, Raw):
            conn.execute(target.format(value.expression))
        else:
            conn.execute(target.format("?"), (value,))
    except sqlite3.IntegrityError:
        pass  # the app's own constraints refuse it: the file stays as the app could write it


def _missing_table(conn: sqlite3.Connection, rng: random.Random) -> None:
    conn.execute(f'DROP TABLE "{rng.choice(_tables(conn))}"')


def _missing_column(conn: sqlite3.Connection, rng: random.Random) -> None:
    table = rng.choice(_tables(conn))
    _without_constraints(conn, table, drop=rng.choice(_columns(conn, table)))


def _duplicate_row(conn: sqlite3.Connection, rng: random.Random) -> None:
    table = rng.choice(_tables(conn))
    _without_constraints(conn, table)
    conn.execute(f'INSERT INTO "{table}" SELECT * FROM "{table}" LIMIT 1')


def _view_instead(conn: sqlite3.Connection, rng: random.Random) -> None:
    table = rng.choice(_tables(conn))
    conn.execute(f'ALTER TABLE "{table}" RENAME TO "fuzz_old_{table}"')
    conn.execute(f'CREATE VIEW "{table}" AS SELECT * FROM "fuzz_old_{table}"')


STRUCTURE_MUTATIONS = (_odd_value, _odd_value, _odd_value, _missing_table, _missing_column)
STRUCTURE_MUTATIONS += (_duplicate_row, _view_instead)


def generated_file(path: Path, rng: random.Random) -> Path:
    """A file in one of the app's shapes, then up to three mutations of its structure and
    values, and sometimes its bytes truncated or overwritten."""
    if rng.random() < 0.15:
        # A UTF-16 database: SQLite hands the text out as UTF-8 all the same.
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA encoding = 'UTF-16le'")
        conn.close()
    rows = dict(ROWS)
    if rng.random() < 0.5:
        build_file(path, BACKUP_DDL, range(1, 9), rows)
    else:
        build_file(path, CURRENT_DDL, range(1, 21), {**rows, "games": GAMES})
    with sqlite3.connect(path) as conn:
        for _ in range(rng.randint(1, 3)):
            # A mutation may find its ground gone (a view over a table another dropped).
            with contextlib.suppress(sqlite3.Error):
                rng.choice(STRUCTURE_MUTATIONS)(conn, rng)
    conn.close()
    damage = rng.random()
    if damage < 0.15:
        data = path.read_bytes()
        path.write_bytes(data[: rng.randint(0, len(data) - 1)])
    elif damage < 0.25:
        data = bytearray(path.read_bytes())
        at = rng.randint(0, len(data) - 16)
        data[at : at + 16] = rng.randbytes(16)
        path.write_bytes(bytes(data))
    return path


def test_generated_hostile_files_end_in_a_documented_exit_and_leave_refused_runs_unchanged(
    db, db_conn, tmp_path, capsys
):
    rng = random.Random(FUZZ_SEED)
    seen_codes = set()
    for case in range(FUZZ_CASES):
        path = generated_file(tmp_path / f"case-{case}.db", rng)
        before = database_state(db_conn)

        code, out, err = run_import(db, capsys, path)

        where = f"case {case} ({path}): exit {code}, stderr {err!r}"
        assert code in (0, 1, 2), where
        assert "internal error" not in err and "Traceback" not in err + out, where
        document = json.loads(out)
        if code == 2 or document.get("refused"):
            assert database_state(db_conn) == before, where
        seen_codes.add(code)
    # The generator reaches each way a file can end.
    assert seen_codes == {0, 1, 2}
