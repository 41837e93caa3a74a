"""A SET in one migration file never reaches the next one of the same run (issue 26 §5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfbops.migrate.adopt.adoption import adopt
from cfbops.migrate.apply import migrate
from tests.conftest import DatabaseUnderTest
from tests.migrate_helpers import write_migrations

SEARCH_PATH_FILES = {
    "migrations/V0001__side_schema.sql": """
        CREATE SCHEMA side;
        SET search_path = side;
        CREATE TABLE notes (id int);
    """,
    "migrations/V0002__main_table.sql": """
        CREATE TABLE teams (id int);
    """,
}
TIMEOUT_FILES = {
    "migrations/V0001__short_timeout.sql": """
        SET statement_timeout = '1ms';
    """,
    "migrations/V0002__slow_enough.sql": """
        CREATE TABLE counted AS SELECT g FROM generate_series(1, 300000) AS g;
    """,
}
ROLE_FILES = {
    "migrations/V0001__become_someone.sql": """
        SET ROLE session_probe_role;
    """,
    "migrations/V0002__owned.sql": """
        CREATE TABLE owned (id int);
    """,
}


@pytest.fixture
def db(empty_db: DatabaseUnderTest) -> DatabaseUnderTest:
    return empty_db


def schema_of(db: DatabaseUnderTest, table: str) -> list[str]:
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = %s", (table,)
        ).fetchall()
    return [schema for (schema,) in rows]


def test_a_search_path_set_by_one_file_does_not_place_the_next_files_tables(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    result = migrate(db.settings, sql_dir=write_migrations(tmp_path / "sql", SEARCH_PATH_FILES))

    assert result.ok, result.failed
    assert schema_of(db, "notes") == ["side"]
    assert schema_of(db, "teams") == ["public"]


def test_a_statement_timeout_set_by_one_file_does_not_fail_the_next(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    result = migrate(db.settings, sql_dir=write_migrations(tmp_path / "sql", TIMEOUT_FILES))

    assert result.ok, result.failed
    assert [a.version for a in result.applied] == ["0001", "0002"]


def test_a_role_set_by_one_file_does_not_own_the_next_files_objects(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    with db.connect() as conn:
        me = conn.execute("SELECT current_user").fetchone()[0]
        conn.execute("DROP ROLE IF EXISTS session_probe_role")
        conn.execute("CREATE ROLE session_probe_role")
    try:
        result = migrate(db.settings, sql_dir=write_migrations(tmp_path / "sql", ROLE_FILES))
        with db.connect() as conn:
            owner = conn.execute(
                "SELECT tableowner FROM pg_tables WHERE tablename = 'owned'"
            ).fetchone()
    finally:
        with db.connect() as conn:
            conn.execute("DROP OWNED BY session_probe_role")
            conn.execute("DROP ROLE session_probe_role")

    assert result.ok, result.failed
    assert owner == (me,)


def test_a_search_path_set_by_one_repeatable_does_not_place_the_next_ones_view(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    files = {
        "migrations/V0001__schemas.sql": "CREATE SCHEMA side;",
        "repeatable/R__a_side_view.sql": """
            SET search_path = side;
            CREATE OR REPLACE VIEW side_numbers AS SELECT 1 AS n;
        """,
        "repeatable/R__b_main_view.sql": """
            CREATE OR REPLACE VIEW main_numbers AS SELECT 2 AS n;
        """,
    }
    result = migrate(db.settings, sql_dir=write_migrations(tmp_path / "sql", files))

    assert result.ok, result.failed
    assert schema_of(db, "side_numbers") == ["side"]
    assert schema_of(db, "main_numbers") == ["public"]


def test_adoption_resets_the_session_between_files_too(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    result = adopt(db.settings, sql_dir=write_migrations(tmp_path / "sql", SEARCH_PATH_FILES))

    assert result.ok, result.failed
    assert schema_of(db, "notes") == ["side"]
    assert schema_of(db, "teams") == ["public"]


def test_the_settings_cfbops_set_survive_the_reset(db: DatabaseUnderTest, tmp_path: Path) -> None:
    files = {
        **SEARCH_PATH_FILES,
        "migrations/V0003__remember.sql": """
            CREATE TABLE seen AS SELECT current_setting('lock_timeout') AS lock_timeout;
        """,
    }
    result = migrate(db.settings, sql_dir=write_migrations(tmp_path / "sql", files))

    assert result.ok, result.failed
    with db.connect() as conn:
        seen = conn.execute("SELECT lock_timeout FROM public.seen").fetchone()[0]
    assert seen != "0"  # cfbops's short lock timeout, not the server's default of none
