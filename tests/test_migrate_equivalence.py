"""Pre-flight equivalence: a key or index already standing under another name is present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfbops.migrate.apply import migrate
from tests.conftest import DatabaseUnderTest, run_cli
from tests.migrate_helpers import write_migrations


@pytest.fixture
def db(empty_db: DatabaseUnderTest) -> DatabaseUnderTest:
    return empty_db


# The shape the real warehouse has: core.games(id) unique twice, under two names.
WAREHOUSE = """
    CREATE SCHEMA core;
    CREATE SCHEMA betting;
    CREATE TABLE core.games (id bigint NOT NULL, season bigint);
    ALTER TABLE core.games ADD CONSTRAINT games_id_unique UNIQUE (id);
    ALTER TABLE core.games ADD CONSTRAINT uq_games_id UNIQUE (id);
    CREATE TABLE core.drives (id varchar NOT NULL, game_id bigint);
    CREATE TABLE betting.lines (game_id bigint NOT NULL, provider varchar NOT NULL);
    INSERT INTO core.games VALUES (1, 2024), (2, 2024);
    INSERT INTO core.drives VALUES ('d1', 1), ('d2', 2);
    INSERT INTO betting.lines VALUES (1, 'consensus');
"""


def _constraints(db: DatabaseUnderTest, table: str) -> list[tuple]:
    with db.connect() as conn:
        return conn.execute(
            "SELECT conname, contype, condeferrable, convalidated FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f', 'c') "
            "ORDER BY conname",
            (table,),
        ).fetchall()


def _build(db: DatabaseUnderTest, setup: str) -> None:
    with db.connect() as conn:
        conn.execute(setup)


def test_a_unique_key_under_another_name_is_not_added_twice(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db, WAREHOUSE)
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__games_key.sql": "ALTER TABLE core.games ADD CONSTRAINT "
            "games_pkey_cfbops UNIQUE (id);"
        },
    )
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.ok
    assert [c[0] for c in _constraints(db, "core.games")] == ["games_id_unique", "uq_games_id"]
    (note,) = result.applied[0].equivalents
    assert "games_pkey_cfbops" in note and "games_id_unique" in note


def test_a_primary_key_is_present_as_a_unique_index_on_not_null_columns(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db, WAREHOUSE + "CREATE UNIQUE INDEX drives_id_idx ON core.drives (id);")
    sql_dir = write_migrations(
        tmp_path / "sql",
        {"migrations/V0001__drives_key.sql": "ALTER TABLE core.drives ADD PRIMARY KEY (id);"},
    )
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.ok
    assert _constraints(db, "core.drives") == []
    assert "drives_id_idx" in result.applied[0].equivalents[0]


def test_a_deferrable_key_is_not_equivalent_to_an_immediate_one(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(
        db,
        WAREHOUSE + "ALTER TABLE core.drives ADD CONSTRAINT fk_drives_game_id "
        "FOREIGN KEY (game_id) REFERENCES core.games (id);",
    )
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__fk.sql": """
                ALTER TABLE core.drives ADD CONSTRAINT fk_drives_game FOREIGN KEY (game_id)
                    REFERENCES core.games (id) DEFERRABLE INITIALLY DEFERRED NOT VALID;
            """
        },
    )
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.ok and result.applied[0].equivalents == ()
    names = {c[0]: c[2] for c in _constraints(db, "core.drives")}
    assert names == {"fk_drives_game": True, "fk_drives_game_id": False}


def test_validating_a_key_present_under_another_name_validates_that_one(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(
        db,
        WAREHOUSE + "ALTER TABLE betting.lines ADD CONSTRAINT lines_game_fk FOREIGN KEY "
        "(game_id) REFERENCES core.games (id) DEFERRABLE INITIALLY DEFERRED NOT VALID;",
    )
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__fk_not_valid.sql": """
                ALTER TABLE betting.lines ADD CONSTRAINT fk_lines_game FOREIGN KEY (game_id)
                    REFERENCES core.games (id) DEFERRABLE INITIALLY DEFERRED NOT VALID;
            """,
            "migrations/V0002__fk_validate.sql": """
                ALTER TABLE betting.lines VALIDATE CONSTRAINT fk_lines_game;
            """,
        },
    )
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.ok, result.failed
    assert _constraints(db, "betting.lines") == [("lines_game_fk", "f", True, True)]
    assert "validating" in result.applied[1].equivalents[0]


def test_a_unique_key_on_other_columns_is_still_added(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db, WAREHOUSE)
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__k.sql": "ALTER TABLE core.games ADD CONSTRAINT games_k "
            "UNIQUE (id, season);"
        },
    )
    assert migrate(db.settings, sql_dir=sql_dir).ok
    assert "games_k" in [c[0] for c in _constraints(db, "core.games")]


def test_plan_reports_the_equivalent_and_skips_its_duplicate_check(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db, WAREHOUSE)
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__games_key.sql": "CREATE UNIQUE INDEX CONCURRENTLY games_id_key ON core.games (id);"
        },
    )
    result = run_cli(
        "--database-url",
        db.url,
        "--headless",
        "migrate",
        "--plan",
        "--json",
        "--sql-dir",
        str(sql_dir),
    )
    assert result.returncode == 0, result.stderr
    (planned,) = json.loads(result.stdout)["pending"]
    assert planned["equivalents"][0]["existing"] == "games_id_unique"
    assert planned["preflight"] == []


def test_a_concurrent_index_standing_under_another_name_is_not_built(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    _build(db, WAREHOUSE)
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__games_key.sql": """
                -- cfbops: no-transaction
                CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS games_id_key ON core.games (id);
            """
        },
    )
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.ok, result.failed
    assert "games_id_unique" in result.applied[0].equivalents[0]
    with db.connect() as conn:
        assert conn.execute("SELECT to_regclass('core.games_id_key')").fetchone()[0] is None
