"""Applying migrations: order, history, transactions, errors with lines, drift, baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfbops.migrate.apply import migrate
from cfbops.migrate.files import load_migrations
from tests.conftest import DatabaseUnderTest, cli_env, run_cli
from tests.migrate_helpers import write_migrations


@pytest.fixture
def db(empty_db: DatabaseUnderTest) -> DatabaseUnderTest:
    """These tests bring their own migration files, so they start from an empty database."""
    return empty_db


BASIC = {
    "migrations/V0001__teams.sql": """
        CREATE SCHEMA ref;
        CREATE TABLE ref.teams (id int PRIMARY KEY, school text NOT NULL);
    """,
    "migrations/V0002__games.sql": """
        CREATE TABLE ref.games (id int PRIMARY KEY, home_id int REFERENCES ref.teams (id));
    """,
}


def history_rows(db: DatabaseUnderTest) -> list[tuple]:
    with db.connect() as conn:
        return conn.execute(
            "SELECT version, name, kind, success FROM ops.schema_history ORDER BY installed_rank"
        ).fetchall()


def relation_exists(db: DatabaseUnderTest, name: str) -> bool:
    with db.connect() as conn:
        return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0]


def test_applies_versioned_files_in_order_and_records_history(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    sql_dir = write_migrations(tmp_path / "sql", BASIC)
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.ok
    assert [a.version for a in result.applied] == ["0001", "0002"]
    assert history_rows(db) == [
        ("0001", "teams", "versioned", True),
        ("0002", "games", "versioned", True),
    ]
    with db.connect() as conn:
        checksum, by, ms = conn.execute(
            "SELECT checksum, applied_by, duration_ms FROM ops.schema_history WHERE version='0001'"
        ).fetchone()
    versioned, _ = load_migrations(sql_dir)
    assert checksum == versioned[0].checksum and len(checksum) == 64
    assert by and ms >= 0


def test_second_run_has_nothing_to_do(db: DatabaseUnderTest, tmp_path: Path) -> None:
    sql_dir = write_migrations(tmp_path / "sql", BASIC)
    migrate(db.settings, sql_dir=sql_dir)
    again = migrate(db.settings, sql_dir=sql_dir)
    assert again.ok and again.applied == () and again.pending == ()


def test_versions_sort_as_numbers(db: DatabaseUnderTest, tmp_path: Path) -> None:
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V10__later.sql": "CREATE TABLE b (id int REFERENCES a (id));",
            "migrations/V9__earlier.sql": "CREATE TABLE a (id int PRIMARY KEY);",
        },
    )
    result = migrate(db.settings, sql_dir=sql_dir)
    assert [a.version for a in result.applied] == ["9", "10"]


def test_to_stops_at_the_given_version(db: DatabaseUnderTest, tmp_path: Path) -> None:
    sql_dir = write_migrations(tmp_path / "sql", BASIC)
    result = migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    assert [a.version for a in result.applied] == ["0001"]
    assert [f.version for f in result.pending] == ["0002"]
    assert not relation_exists(db, "ref.games")


def test_syntax_error_names_file_and_line_and_applies_nothing(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            **BASIC,
            "migrations/V0003__broken.sql": """
            CREATE TABLE ref.venues (id int PRIMARY KEY);

            -- the next statement is wrong
            SELEC id FROM ref.venues;
        """,
        },
    )
    result = run_cli("--database-url", db.url, "--headless", "migrate", "--sql-dir", str(sql_dir))
    assert result.returncode == 1
    assert "V0003__broken.sql:4:" in result.stderr
    assert "syntax error" in result.stderr
    assert not relation_exists(db, "ref.teams")  # the run stopped before any SQL


def test_failing_statement_rolls_back_its_whole_file(db: DatabaseUnderTest, tmp_path: Path) -> None:
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__half.sql": """
            CREATE TABLE first_half (id int);
            INSERT INTO first_half VALUES (1);
            INSERT INTO no_such_table
            VALUES (2);
        """,
        },
    )
    result = migrate(db.settings, sql_dir=sql_dir)
    assert not result.ok
    assert result.failed is not None and result.failed.line == 3
    assert "V0001__half.sql:3:" in result.failed.error
    assert 'relation "no_such_table" does not exist' in result.failed.error
    assert not relation_exists(db, "first_half")
    # Nothing of it stands; the attempt is kept as failed (the console shows it `failed`).
    assert history_rows(db) == [("0001", "half", "versioned", False)]


def test_error_line_points_inside_a_multiline_statement(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__x.sql": """
            CREATE TABLE t (id int);
            SELECT id,
                   missing_column
            FROM t;
        """,
        },
    )
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.failed is not None and result.failed.line == 3


def test_cli_json_lists_applied_and_pending(db: DatabaseUnderTest, tmp_path: Path) -> None:
    sql_dir = write_migrations(tmp_path / "sql", BASIC)
    result = run_cli(
        "--database-url",
        db.url,
        "--headless",
        "migrate",
        "--json",
        "--sql-dir",
        str(sql_dir),
        "--to",
        "0001",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is True
    assert [(a["version"], a["kind"]) for a in document["applied"]] == [("0001", "versioned")]
    assert isinstance(document["applied"][0]["duration_ms"], int)
    assert [p["version"] for p in document["pending"]] == ["0002"]
    assert document["drifted"] == []


def test_edited_applied_files_are_all_reported_as_drift(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    sql_dir = write_migrations(tmp_path / "sql", BASIC)
    migrate(db.settings, sql_dir=sql_dir)
    for path in (sql_dir / "migrations").glob("*.sql"):
        path.write_text(path.read_text() + "\n-- edited\n")
    write_migrations(sql_dir, {"migrations/V0003__new.sql": "CREATE TABLE ref.x (id int);"})
    result = run_cli(
        "--database-url", db.url, "--headless", "migrate", "--json", "--sql-dir", str(sql_dir)
    )
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert [d["version"] for d in document["drifted"]] == ["0001", "0002"]
    assert not relation_exists(db, "ref.x")


def test_accepting_drift_of_one_file_lets_migrate_go_on(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    sql_dir = write_migrations(tmp_path / "sql", BASIC)
    migrate(db.settings, sql_dir=sql_dir)
    edited = sql_dir / "migrations" / "V0001__teams.sql"
    edited.write_text(edited.read_text() + "-- a comment added after the fact\n")
    write_migrations(sql_dir, {"migrations/V0003__new.sql": "CREATE TABLE ref.x (id int);"})
    result = migrate(db.settings, sql_dir=sql_dir, accept_drift=("0001",))
    assert result.ok and [a.version for a in result.accepted] == ["0001"]
    assert [a.version for a in result.applied] == ["0003"]
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM ops.accepted_drift").fetchone()[0] == 1


def test_restoring_the_file_clears_drift(db: DatabaseUnderTest, tmp_path: Path) -> None:
    sql_dir = write_migrations(tmp_path / "sql", BASIC)
    migrate(db.settings, sql_dir=sql_dir)
    path = sql_dir / "migrations" / "V0002__games.sql"
    original = path.read_text()
    path.write_text(original + "-- edit\n")
    assert migrate(db.settings, sql_dir=sql_dir).drifted
    path.write_text(original)
    assert migrate(db.settings, sql_dir=sql_dir).ok


def test_baseline_records_without_running(db: DatabaseUnderTest, tmp_path: Path) -> None:
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            **BASIC,
            "migrations/V0003__venues.sql": "CREATE TABLE ref.venues (id int PRIMARY KEY);",
        },
    )
    with db.connect() as conn:  # an existing database, built by hand long ago
        conn.execute(
            "CREATE SCHEMA ref; CREATE TABLE ref.teams (id int PRIMARY KEY, school text);"
            "CREATE TABLE ref.games (id int PRIMARY KEY, home_id int)"
        )
    result = migrate(db.settings, sql_dir=sql_dir, baseline="0002")
    assert result.ok
    assert result.baselined == ("0001", "0002")
    assert [a.version for a in result.applied] == ["0003"]
    assert [r[2] for r in history_rows(db)] == ["baseline", "baseline", "versioned"]


def test_baseline_refuses_a_database_with_history(db: DatabaseUnderTest, tmp_path: Path) -> None:
    sql_dir = write_migrations(tmp_path / "sql", BASIC)
    migrate(db.settings, sql_dir=sql_dir)
    result = run_cli(
        "--database-url",
        db.url,
        "--headless",
        "migrate",
        "--sql-dir",
        str(sql_dir),
        "--baseline",
        "0001",
    )
    assert result.returncode == 2
    assert "no migration history" in result.stderr


def test_migrate_refuses_read_only(db: DatabaseUnderTest, tmp_path: Path) -> None:
    sql_dir = write_migrations(tmp_path / "sql", BASIC)
    result = run_cli(
        "--database-url", db.url, "--read-only", "--headless", "migrate", "--sql-dir", str(sql_dir)
    )
    assert result.returncode == 2


def test_missing_sql_dir_is_a_usage_error(db: DatabaseUnderTest, tmp_path: Path) -> None:
    result = run_cli(
        "--database-url",
        db.url,
        "--headless",
        "migrate",
        "--sql-dir",
        str(tmp_path / "nope"),
        env=cli_env(),
    )
    assert result.returncode == 2
    assert "does not exist" in result.stderr


@pytest.mark.parametrize("flag", ["--wait=-1"])
def test_negative_wait_is_a_usage_error(db: DatabaseUnderTest, tmp_path: Path, flag: str) -> None:
    sql_dir = write_migrations(tmp_path / "sql", BASIC)
    result = run_cli(
        "--database-url", db.url, "--headless", "migrate", flag, "--sql-dir", str(sql_dir)
    )
    assert result.returncode == 2
