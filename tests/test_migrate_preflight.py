"""Pre-flight data checks: a constraint that cannot hold is refused with counts and samples."""

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


TABLES = {
    "migrations/V0001__tables.sql": """
        CREATE SCHEMA ref;
        CREATE TABLE ref.teams (id int PRIMARY KEY, school text);
        CREATE TABLE ref.games (id int PRIMARY KEY, home_id int, venue text);
        INSERT INTO ref.teams VALUES (1, 'Albany'), (2, 'Albany'), (3, 'Albany'),
                                     (4, 'Alabama'), (5, 'Miami'), (6, 'Miami'), (7, NULL);
        INSERT INTO ref.games VALUES (10, 1, 'x'), (11, 99, NULL), (12, 98, 'y'), (13, NULL, 'z');
    """,
}


def _run(db: DatabaseUnderTest, tmp_path: Path, extra: dict[str, str]):
    sql_dir = write_migrations(tmp_path / "sql", {**TABLES, **extra})
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    return migrate(db.settings, sql_dir=sql_dir), sql_dir


def test_unique_on_a_non_unique_column_is_refused_with_counts_and_samples(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            **TABLES,
            "migrations/V0002__unique_school.sql": """
            CREATE TABLE ref.audit (id int);
            ALTER TABLE ref.teams ADD CONSTRAINT teams_school_key UNIQUE (school);
        """,
        },
    )
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    result = run_cli(
        "--database-url", db.url, "--headless", "migrate", "--json", "--sql-dir", str(sql_dir)
    )
    assert result.returncode == 1
    failed = json.loads(result.stdout)["failed"]
    check = failed["preflight"][0]
    assert check["check"] == "duplicates"
    assert check["count"] == 2  # Albany and Miami
    assert check["sample"][0] == {"school": "Albany", "copies": 3}
    assert failed["line"] == 2
    with db.connect() as conn:  # nothing of the file ran, not even its first statement
        assert conn.execute("SELECT to_regclass('ref.audit')").fetchone()[0] is None


def test_foreign_key_with_orphans_is_refused(db: DatabaseUnderTest, tmp_path: Path) -> None:
    result, _ = _run(
        db,
        tmp_path,
        {
            "migrations/V0002__fk.sql": (
                "ALTER TABLE ref.games ADD FOREIGN KEY (home_id) REFERENCES ref.teams (id);"
            ),
        },
    )
    assert result.failed is not None
    (check,) = result.failed.preflight
    assert (check.check, check.count) == ("orphans", 2)
    assert {row["home_id"] for row in check.sample} == {98, 99}


def test_not_valid_foreign_key_needs_no_preflight(db: DatabaseUnderTest, tmp_path: Path) -> None:
    result, _ = _run(
        db,
        tmp_path,
        {
            "migrations/V0002__fk.sql": "ALTER TABLE ref.games ADD CONSTRAINT games_home_fk "
            "FOREIGN KEY (home_id) REFERENCES ref.teams (id) NOT VALID;",
        },
    )
    assert result.ok


def test_validate_constraint_counts_orphans_from_the_catalog(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    result, _ = _run(
        db,
        tmp_path,
        {
            "migrations/V0002__fk.sql": "ALTER TABLE ref.games ADD CONSTRAINT games_home_fk "
            "FOREIGN KEY (home_id) REFERENCES ref.teams (id) NOT VALID;",
            "migrations/V0003__validate.sql": (
                "ALTER TABLE ref.games VALIDATE CONSTRAINT games_home_fk;"
            ),
        },
    )
    assert result.failed is not None and result.failed.version == "0003"
    assert result.failed.preflight[0].count == 2
    assert [a.version for a in result.applied] == ["0002"]


def test_set_not_null_counts_nulls(db: DatabaseUnderTest, tmp_path: Path) -> None:
    result, _ = _run(
        db,
        tmp_path,
        {
            "migrations/V0002__nn.sql": "ALTER TABLE ref.games ALTER COLUMN venue SET NOT NULL;",
        },
    )
    (check,) = result.failed.preflight
    assert (check.check, check.count) == ("nulls", 1)
    assert check.sample[0]["id"] == 11


def test_check_constraint_counts_violations(db: DatabaseUnderTest, tmp_path: Path) -> None:
    result, _ = _run(
        db,
        tmp_path,
        {
            "migrations/V0002__ck.sql": (
                "ALTER TABLE ref.teams ADD CONSTRAINT small_ids CHECK (id < 6);"
            ),
        },
    )
    (check,) = result.failed.preflight
    assert (check.check, check.count) == ("check-violations", 2)


def test_unique_index_counts_duplicates(db: DatabaseUnderTest, tmp_path: Path) -> None:
    result, _ = _run(
        db,
        tmp_path,
        {
            "migrations/V0002__idx.sql": "CREATE UNIQUE INDEX teams_school ON ref.teams (school);",
        },
    )
    assert result.failed.preflight[0].count == 2


def test_constraints_that_hold_pass_and_are_applied(db: DatabaseUnderTest, tmp_path: Path) -> None:
    result, _ = _run(
        db,
        tmp_path,
        {
            "migrations/V0002__ok.sql": """
            ALTER TABLE ref.teams ADD CONSTRAINT teams_id_small CHECK (id < 100);
            ALTER TABLE ref.games ADD CONSTRAINT games_venue_key UNIQUE (venue);
        """,
        },
    )
    assert result.ok, result.failed
    with db.connect() as conn:
        constraints = conn.execute(
            "SELECT conname FROM pg_constraint WHERE conname IN ('teams_id_small', 'games_venue_key')"
            " ORDER BY conname"
        ).fetchall()
    assert constraints == [("games_venue_key",), ("teams_id_small",)]


def test_a_files_own_fix_up_statements_count_before_its_constraint(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    result, _ = _run(
        db,
        tmp_path,
        {
            "migrations/V0002__ok.sql": """
            DELETE FROM ref.games WHERE home_id > 90;
            ALTER TABLE ref.games ADD FOREIGN KEY (home_id) REFERENCES ref.teams (id);
        """,
        },
    )
    # The check runs in the file's transaction just before the ALTER: the DELETE counts.
    assert result.ok, result.failed
    with db.connect() as conn:
        assert (
            conn.execute(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = 'ref.games'::regclass "
                "AND contype = 'f'"
            ).fetchone()[0]
            == 1
        )


def test_fixing_nulls_then_set_not_null_in_one_file_applies(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    result, _ = _run(
        db,
        tmp_path,
        {
            "migrations/V0002__venue_required.sql": """
            UPDATE ref.games SET venue = '' WHERE venue IS NULL;
            ALTER TABLE ref.games ALTER COLUMN venue SET NOT NULL;
        """,
        },
    )
    assert result.ok, result.failed
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM ref.games WHERE venue = ''").fetchone()[0] == 1


def test_a_check_failing_after_earlier_statements_rolls_the_file_back(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    result, _ = _run(
        db,
        tmp_path,
        {
            "migrations/V0002__half_fix.sql": """
            DELETE FROM ref.games WHERE home_id = 99;
            ALTER TABLE ref.games ADD FOREIGN KEY (home_id) REFERENCES ref.teams (id);
        """,
        },
    )
    assert result.failed is not None
    assert result.failed.preflight[0].count == 1  # 98 is still an orphan, 99 was deleted
    assert result.failed.preflight[0].sample[0]["home_id"] == 98
    with db.connect() as conn:  # the DELETE rolled back with the file
        assert conn.execute("SELECT count(*) FROM ref.games WHERE home_id = 99").fetchone()[0] == 1


def test_new_tables_in_the_same_file_are_not_checked(db: DatabaseUnderTest, tmp_path: Path):
    result, _ = _run(
        db,
        tmp_path,
        {
            "migrations/V0002__new.sql": """
            CREATE TABLE ref.venues (id int, name text);
            ALTER TABLE ref.venues ADD CONSTRAINT venues_name UNIQUE (name);
        """,
        },
    )
    assert result.ok


ADDS_A_KEYED_COLUMN = {
    "migrations/V0002__region.sql": """
    ALTER TABLE ref.teams ADD COLUMN region text NOT NULL DEFAULT 'east';
    UPDATE ref.teams SET region = 'west' WHERE id % 2 = 0;
    -- cfbops: allow disallowed-unique-constraint because ref.teams is a test's small table
    ALTER TABLE ref.teams ADD CONSTRAINT teams_region_school_key UNIQUE (region, school);
""",
}


def test_a_key_on_a_column_the_file_adds_is_planned_then_counted_when_the_column_stands(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    sql_dir = write_migrations(tmp_path / "sql", {**TABLES, **ADDS_A_KEYED_COLUMN})
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    plan = run_cli("--database-url", db.url, "--headless", "migrate", "--plan",
                   "--sql-dir", str(sql_dir))  # fmt: skip
    assert plan.returncode == 0, plan.stderr
    assert (
        "pre-flight later" in plan.stdout and "its columns arrive with line(s) 1, 2" in plan.stdout
    )
    # Applied, the key is counted once region stands: Albany (ids 1, 3) is still twice 'east'.
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.failed is not None
    (check,) = result.failed.preflight
    assert (check.check, check.count) == ("duplicates", 1)
    assert check.sample[0] == {"region": "east", "school": "Albany", "copies": 2}
