"""Repeatable files: run after versioned ones, in dependency order, re-run when changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfbops.migrate.apply import migrate
from tests.conftest import DatabaseUnderTest
from tests.migrate_helpers import write_migrations


@pytest.fixture
def db(empty_db: DatabaseUnderTest) -> DatabaseUnderTest:
    """These tests bring their own migration files, so they start from an empty database."""
    return empty_db


FILES = {
    "migrations/V0001__base.sql": """
        CREATE SCHEMA marts;
        CREATE SCHEMA api;
        CREATE TABLE public.games (id int PRIMARY KEY, home text, points int);
        INSERT INTO public.games VALUES (1, 'Alabama', 30), (2, 'Auburn', 20);
    """,
    # Named so that alphabetical order would be wrong.
    "repeatable/R__a_team_view.sql": """
        DROP VIEW IF EXISTS api.team_points CASCADE;
        CREATE VIEW api.team_points AS SELECT home, total FROM marts.z_points;
    """,
    "repeatable/R__z_points.sql": """
        DROP MATERIALIZED VIEW IF EXISTS marts.z_points CASCADE;
        CREATE MATERIALIZED VIEW marts.z_points AS
            SELECT home, sum(points) AS total FROM public.games GROUP BY home;
    """,
}


def test_repeatables_run_after_versioned_files_in_dependency_order(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    sql_dir = write_migrations(tmp_path / "sql", FILES)
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.ok, result.failed
    assert [a.name for a in result.applied] == ["base", "z_points", "a_team_view"]
    with db.connect() as conn:
        assert conn.execute(
            "SELECT total FROM api.team_points WHERE home = 'Alabama'"
        ).fetchone() == (30,)


def test_unchanged_repeatables_are_not_rerun(db: DatabaseUnderTest, tmp_path: Path) -> None:
    sql_dir = write_migrations(tmp_path / "sql", FILES)
    migrate(db.settings, sql_dir=sql_dir)
    assert migrate(db.settings, sql_dir=sql_dir).applied == ()


def test_changing_a_mart_recreates_it_and_what_depends_on_it(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    sql_dir = write_migrations(tmp_path / "sql", FILES)
    migrate(db.settings, sql_dir=sql_dir)
    mart = sql_dir / "repeatable" / "R__z_points.sql"
    mart.write_text(mart.read_text().replace("sum(points)", "sum(points) * 2"))
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.ok, result.failed
    assert [a.name for a in result.applied] == ["z_points", "a_team_view"]
    with db.connect() as conn:
        assert conn.execute(
            "SELECT total FROM api.team_points WHERE home = 'Alabama'"
        ).fetchone() == (60,)


def test_changing_a_leaf_view_reruns_only_it(db: DatabaseUnderTest, tmp_path: Path) -> None:
    sql_dir = write_migrations(tmp_path / "sql", FILES)
    migrate(db.settings, sql_dir=sql_dir)
    view = sql_dir / "repeatable" / "R__a_team_view.sql"
    view.write_text(view.read_text().replace("SELECT home, total", "SELECT home, total, 1 AS one"))
    assert [a.name for a in migrate(db.settings, sql_dir=sql_dir).applied] == ["a_team_view"]


def test_a_failing_repeatable_rolls_back_the_whole_batch(
    db: DatabaseUnderTest, tmp_path: Path
) -> None:
    sql_dir = write_migrations(tmp_path / "sql", FILES)
    migrate(db.settings, sql_dir=sql_dir)
    mart = sql_dir / "repeatable" / "R__z_points.sql"
    mart.write_text(mart.read_text().replace("sum(points)", "sum(no_such_column)"))
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.failed is not None and result.failed.name == "z_points"
    assert "R__z_points.sql:3:" in result.failed.error
    with db.connect() as conn:  # the old mart and its view are still there
        assert conn.execute("SELECT count(*) FROM api.team_points").fetchone() == (2,)
