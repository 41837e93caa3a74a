"""`migrate --plan` shows statements, locks, sizes, lint and pre-flight; it changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfbops.migrate.apply import migrate
from tests.conftest import DatabaseUnderTest, run_cli
from tests.migrate_helpers import write_migrations


@pytest.fixture
def db(empty_db: DatabaseUnderTest) -> DatabaseUnderTest:
    """These tests bring their own migration files, so they start from an empty database."""
    return empty_db


FILES = {
    "migrations/V0001__tables.sql": """
        CREATE TABLE teams (id int PRIMARY KEY);
        CREATE TABLE games (id int PRIMARY KEY, home_id int);
        INSERT INTO teams SELECT generate_series(1, 100);
        INSERT INTO games SELECT g, g % 100 + 1 FROM generate_series(1, 1000) g;
    """,
    "migrations/V0002__fk_not_valid.sql": """
        ALTER TABLE games ADD CONSTRAINT games_home_fk
            FOREIGN KEY (home_id) REFERENCES teams (id) NOT VALID;
    """,
    "migrations/V0003__validate.sql": """
        -- cfbops: no-transaction
        ALTER TABLE games VALIDATE CONSTRAINT games_home_fk;
    """,
}


def _plan(db: DatabaseUnderTest, sql_dir: Path) -> tuple[int, dict]:
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
    return result.returncode, json.loads(result.stdout)


def test_plan_names_lock_levels_and_changes_nothing(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = write_migrations(tmp_path / "sql", FILES)
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    with db.connect() as conn:
        conn.execute("ANALYZE")
    code, plan = _plan(db, sql_dir)
    assert code == 0
    fk, validate = plan["pending"]
    assert fk["statements"][0]["lock"] == "SHARE ROW EXCLUSIVE"
    assert fk["statements"][0]["lock_duration"] == "brief"
    assert validate["statements"][0]["lock"] == "SHARE UPDATE EXCLUSIVE"
    assert "writes" not in validate["statements"][0]["blocks"]
    games = next(t for t in fk["statements"][0]["tables"] if t["table"] == "public.games")
    assert games["estimated_rows"] == 1000 and games["bytes"] > 0
    with db.connect() as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM ops.schema_history")]
        convalidated = conn.execute(
            "SELECT count(*) FROM pg_constraint WHERE conname = 'games_home_fk'"
        ).fetchone()[0]
    assert versions == ["0001"] and convalidated == 0


def test_plan_shows_a_plain_foreign_key_scans_while_blocking_writes(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__tables.sql": FILES["migrations/V0001__tables.sql"],
            "migrations/V0002__fk.sql": "ALTER TABLE games ADD FOREIGN KEY (home_id) REFERENCES teams (id);",
        },
    )
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    code, plan = _plan(db, sql_dir)
    (statement,) = plan["pending"][0]["statements"]
    assert statement["lock"] == "SHARE ROW EXCLUSIVE"
    assert statement["lock_duration"] == "scan"
    assert [v["rule"] for v in plan["pending"][0]["lint"]] == ["adding-foreign-key-constraint"]
    assert plan["pending"][0]["preflight"][0]["count"] == 0
    assert code == 1  # an error-severity lint finding stands


def test_plan_reports_a_failing_preflight_with_samples(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__tables.sql": FILES["migrations/V0001__tables.sql"],
            "migrations/V0002__fk.sql": "ALTER TABLE games ADD FOREIGN KEY (home_id) REFERENCES teams (id);",
        },
    )
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    with db.connect() as conn:
        conn.execute("INSERT INTO games VALUES (5000, 424242)")
    code, plan = _plan(db, sql_dir)
    (check,) = plan["pending"][0]["preflight"]
    assert check["count"] == 1 and check["sample"][0]["home_id"] == 424242
    assert code == 1


def test_plan_text_is_readable(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = write_migrations(tmp_path / "sql", FILES)
    result = run_cli(
        "--database-url", db.url, "--headless", "migrate", "--plan", "--sql-dir", str(sql_dir)
    )
    assert result.returncode == 0, result.stderr
    for name in ("V0001__tables.sql", "V0002__fk_not_valid.sql", "V0003__validate.sql"):
        assert name in result.stdout
    assert "SHARE ROW EXCLUSIVE" in result.stdout
    with db.connect() as conn:  # a plan changes nothing
        assert conn.execute("SELECT to_regclass('teams')").fetchone() == (None,)


PARTITIONED = {
    "migrations/V0001__plays.sql": """
        CREATE TABLE plays (id int, season int) PARTITION BY LIST (season);
        CREATE TABLE plays_2023 PARTITION OF plays FOR VALUES IN (2023);
        CREATE TABLE plays_2024 PARTITION OF plays FOR VALUES IN (2024);
        INSERT INTO plays SELECT g, 2023 + g % 2 FROM generate_series(1, 5000) g;
    """,
    "migrations/V0002__analyze.sql": "ANALYZE plays;",
}


def test_plan_sizes_a_partitioned_table_by_its_partitions(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = write_migrations(tmp_path / "sql", PARTITIONED)
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    with db.connect() as conn:
        conn.execute("ANALYZE plays")
        leaves = conn.execute(
            "SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree('plays') WHERE isleaf"
        ).fetchone()[0]
    code, plan = _plan(db, sql_dir)
    assert code == 0
    (analyze,) = plan["pending"]
    plays = next(t for t in analyze["statements"][0]["tables"] if t["table"] == "public.plays")
    # at least the partitions' heaps (autovacuum may add their free-space and visibility maps)
    assert leaves > 0 and plays["bytes"] >= leaves
    assert plays["estimated_rows"] == 5000
