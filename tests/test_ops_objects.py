"""cfbops's own objects in `ops`: the shapes cfbops makes are written down once, an older shape
reads as older, and a shape cfbops did not make stops every command (exit 2) before it
changes anything."""

from __future__ import annotations

import psycopg
import pytest

from cfbops.cli import main
from cfbops.db.ops_objects import OBJECTS, read_ops_catalog
from tests.conftest import DatabaseUnderTest


def cli(db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str], *args: str):
    capsys.readouterr()
    code = main(["--headless", "--database-url", db.url, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def ops_tables(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = 'ops'::regnamespace "
        "AND relkind IN ('r', 'v') ORDER BY relname"
    ).fetchall()
    return [name for (name,) in rows]


def test_the_written_shapes_are_those_a_full_migration_makes(migrated_db: DatabaseUnderTest):
    with migrated_db.connect() as conn:
        catalog = read_ops_catalog(conn)
    made = {
        name: (relkind == "v", dict(columns))
        for name, (relkind, columns) in catalog.relations.items()
    }
    written = {
        name: (o.view, dict(o.columns) | {c: t for _, c, t in o.added})
        for name, o in OBJECTS.items()
    }
    # A migration that adds or changes an ops table: write its shape in OBJECTS too
    # (cfbops/db/ops_objects.py), a later column under `added` with the file that adds it.
    assert made == written


def test_an_older_shape_is_not_a_difference(migrated_db: DatabaseUnderTest):
    with migrated_db.connect() as conn:
        conn.execute("ALTER TABLE ops.backfill_jobs DROP COLUMN paused_at")
        conn.execute("ALTER TABLE ops.refresh_run DROP COLUMN pid")
        assert read_ops_catalog(conn).differences() == []


def test_another_tools_table_of_the_same_name_stops_every_command(
    migrated_db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]
):
    with migrated_db.connect() as conn:
        conn.execute("DROP TABLE ops.check_mute")
        conn.execute("CREATE TABLE ops.check_mute (id int, note text)")
    for command in (("status",), ("check",), ("refresh",), ("budget", "--no-api")):
        code, _, err = cli(migrated_db, capsys, *command)
        assert code == 2, (command, err)
        assert "ops.check_mute lacks column(s) mute_id, check_name, until" in err
        assert "Nothing was changed" in err and "internal error" not in err
    with migrated_db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM ops.check_run").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM ops.refresh_run").fetchone() == (0,)


def test_a_retyped_column_is_named_with_both_types(
    migrated_db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]
):
    with migrated_db.connect() as conn:
        conn.execute("ALTER TABLE ops.cfbd_calls ALTER COLUMN status TYPE text")
    code, _, err = cli(migrated_db, capsys, "status")
    assert code == 2
    assert "ops.cfbd_calls.status is text, not integer" in err


def test_adopting_over_a_hand_made_history_without_kind_changes_nothing(
    empty_db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]
):
    with empty_db.connect() as conn:
        conn.execute("CREATE SCHEMA ops")
        conn.execute("CREATE TABLE ops.schema_history (version text, name text, success boolean)")
        conn.execute("CREATE INDEX ON ops.schema_history (version) WHERE success")
    for args in (("migrate", "--adopt"), ("migrate", "--plan", "--adopt"), ("migrate",)):
        code, _, err = cli(empty_db, capsys, *args)
        assert code == 2, (args, err)
        assert "ops.schema_history lacks column(s) installed_rank, kind, checksum" in err
    with empty_db.connect() as conn:
        assert ops_tables(conn) == ["schema_history"]
        assert (
            conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'core'").fetchone()[0]
            == 0
        )


def test_a_view_where_cfbops_makes_a_table_is_named(
    migrated_db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]
):
    with migrated_db.connect() as conn:
        conn.execute("DROP TABLE ops.seed_runs")
        conn.execute("CREATE VIEW ops.seed_runs AS SELECT 1 AS id")
    code, _, err = cli(migrated_db, capsys, "seed", "--scale", "tiny")
    assert code == 2
    assert "ops.seed_runs is not a table" in err
