"""Never drop what cfbops does not own: objects someone else built on a mart that a
migration drops with CASCADE are saved whole and re-created in the same transaction, or
the file rolls back naming them; `--drop-dependent NAME` accepts a loss explicitly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfbops.migrate.apply import migrate
from tests.conftest import DatabaseUnderTest, run_cli
from tests.migrate_helpers import write_migrations

MART = """
    DROP MATERIALIZED VIEW IF EXISTS s.m CASCADE;
    CREATE MATERIALIZED VIEW s.m AS SELECT a, b, c FROM s.t;
    CREATE UNIQUE INDEX m_a ON s.m (a);
"""
FILES = {
    "migrations/V0001__base.sql": """
        CREATE SCHEMA s;
        CREATE TABLE s.t (a int PRIMARY KEY, b text, c int);
        INSERT INTO s.t VALUES (1, 'x', 10), (2, 'y', 20);
    """,
    "repeatable/R__s_m.sql": MART,
}

# Built by other hands on s.m: views, materialized views (filled and not), functions of
# the three kinds PostgreSQL tracks differently, with owner, grants, comments, options.
OUTSIDE = """
    DO $$
    BEGIN
        BEGIN
            CREATE ROLE cfbops_test_reader NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- it stands (on a shared server, another test made it at the same time)
        END;
        BEGIN
            CREATE ROLE cfbops_test_owner NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- it stands (on a shared server, another test made it at the same time)
        END;
    END
    $$;
    CREATE SCHEMA o;
    GRANT USAGE ON SCHEMA o TO cfbops_test_owner;
    CREATE VIEW o.v WITH (security_invoker = true) AS SELECT a, b FROM s.m;
    COMMENT ON VIEW o.v IS 'built by the analysts';
    COMMENT ON COLUMN o.v.b IS 'the letter';
    GRANT SELECT ON o.v TO cfbops_test_reader;
    GRANT SELECT (a) ON o.v TO PUBLIC;
    ALTER VIEW o.v OWNER TO cfbops_test_owner;
    CREATE VIEW o.v2 AS SELECT a FROM o.v;
    CREATE MATERIALIZED VIEW o.mv AS SELECT a, c FROM s.m;
    CREATE INDEX mv_c ON o.mv (c);
    COMMENT ON MATERIALIZED VIEW o.mv IS 'a copy of c';
    CREATE MATERIALIZED VIEW o.empty AS SELECT a FROM s.m WITH NO DATA;
    CREATE FUNCTION o.by_row() RETURNS SETOF o.v LANGUAGE sql STABLE AS 'SELECT * FROM o.v';
    REVOKE EXECUTE ON FUNCTION o.by_row() FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION o.by_row() TO cfbops_test_reader;
    CREATE FUNCTION o.plp() RETURNS bigint LANGUAGE plpgsql STABLE AS
        'BEGIN RETURN (SELECT count(*) FROM o.v); END';
    CREATE FUNCTION o.atomic() RETURNS bigint LANGUAGE sql STABLE
    BEGIN ATOMIC
        SELECT sum(c) FROM o.mv;
    END;
"""

SNAPSHOT_SQL = """
SELECT c.relname, c.relkind, c.relispopulated, c.reloptions, pg_get_userbyid(c.relowner),
       c.relacl::text, obj_description(c.oid, 'pg_class'), pg_get_viewdef(c.oid),
       ARRAY(SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' '
                    || coalesce(col_description(c.oid, a.attnum), '') || ' '
                    || coalesce(a.attacl::text, '')
             FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 ORDER BY a.attnum),
       ARRAY(SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'o' AND c.relkind IN ('v', 'm')
UNION ALL
SELECT p.proname, 'f', NULL, NULL, pg_get_userbyid(p.proowner), p.proacl::text,
       obj_description(p.oid, 'pg_proc'), pg_get_functiondef(p.oid), NULL, NULL
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'o'
ORDER BY 1
"""


@pytest.fixture
def world(empty_db: DatabaseUnderTest, tmp_path: Path) -> tuple[DatabaseUnderTest, Path]:
    """Migrated once, then the outside objects built on s.m."""
    sql_dir = write_migrations(tmp_path / "sql", FILES)
    assert migrate(empty_db.settings, sql_dir=sql_dir).ok
    with empty_db.connect() as conn:
        conn.execute(OUTSIDE)
    return empty_db, sql_dir


def _snapshot(db: DatabaseUnderTest) -> list[tuple]:
    with db.connect() as conn:
        return conn.execute(SNAPSHOT_SQL).fetchall()


def _change_mart(sql_dir: Path, text: str) -> None:
    write_migrations(sql_dir, {"repeatable/R__s_m.sql": text})


def _migrate(db: DatabaseUnderTest, sql_dir: Path, *extra: str):
    return run_cli(
        "--database-url", db.url, "--headless", "migrate", "--sql-dir", str(sql_dir), *extra
    )


def test_what_a_repeatables_cascade_takes_comes_back_whole(world) -> None:
    db, sql_dir = world
    before = _snapshot(db)
    _change_mart(sql_dir, MART + "\nCOMMENT ON MATERIALIZED VIEW s.m IS 'changed';")
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.ok, result.failed
    assert sorted(result.dependents.recreated) == [
        "function o.atomic",
        "function o.by_row",
        "materialized view o.empty",
        "materialized view o.mv",
        "view o.v",
        "view o.v2",
    ]
    assert _snapshot(db) == before  # definitions, owner, grants, comments, options, indexes
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM o.mv").fetchone() == (2,)  # filled again


def test_functions_reading_the_dropped_objects_still_answer(world) -> None:
    db, sql_dir = world
    _change_mart(sql_dir, MART + "\nCOMMENT ON MATERIALIZED VIEW s.m IS 'changed';")
    assert migrate(db.settings, sql_dir=sql_dir).ok
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM o.by_row()").fetchone() == (2,)
        assert conn.execute("SELECT o.plp()").fetchone() == (2,)  # plpgsql: not in pg_depend
        assert conn.execute("SELECT o.atomic()").fetchone() == (30,)


def test_a_dependent_reading_a_column_the_new_definition_drops_rolls_the_file_back(
    world,
) -> None:
    db, sql_dir = world
    _change_mart(sql_dir, MART.replace("SELECT a, b, c FROM", "SELECT a, c FROM"))
    result = _migrate(db, sql_dir)
    assert result.returncode == 1
    assert "view o.v (not created by any cfbops file) cannot be re-created" in result.stdout
    assert "it reads s.m.b, which the new definition lacks" in result.stdout
    assert "--drop-dependent o.v" in result.stdout
    with db.connect() as conn:  # the file rolled back: s.m keeps b, o.v stands
        assert conn.execute("SELECT b FROM s.m ORDER BY a").fetchall() == [("x",), ("y",)]
        assert conn.execute("SELECT count(*) FROM o.v").fetchone() == (2,)


def test_drop_dependent_accepts_the_loss_and_says_so(world) -> None:
    db, sql_dir = world
    _change_mart(sql_dir, MART.replace("SELECT a, b, c FROM", "SELECT a, c FROM"))
    lose = ("--drop-dependent", "o.v", "--drop-dependent", "o.v2", "--drop-dependent", "o.by_row")
    result = _migrate(db, sql_dir, *lose, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    dependents = json.loads(result.stdout)["dependents"]
    assert sorted(dependents["dropped_on_request"]) == ["o.by_row", "o.v", "o.v2"]
    assert "materialized view o.mv" in dependents["recreated"]
    with db.connect() as conn:
        assert conn.execute("SELECT to_regclass('o.v')").fetchone() == (None,)
        assert conn.execute("SELECT count(*) FROM o.mv").fetchone() == (2,)


def test_plan_lists_what_is_kept_and_what_cannot_come_back(world) -> None:
    db, sql_dir = world
    _change_mart(sql_dir, MART.replace("SELECT a, b, c FROM", "SELECT a, c FROM"))
    before = _snapshot(db)
    result = _migrate(db, sql_dir, "--plan")
    assert result.returncode == 1
    assert "kept (no cfbops file re-creates them" in result.stdout
    for name in ("o.v", "o.v2", "o.mv", "o.empty", "o.by_row", "o.atomic"):
        assert name in result.stdout.split("kept (", 1)[1].splitlines()[0]
    assert "CANNOT be re-created: view o.v: it reads s.m.b" in result.stdout
    assert "CANNOT be re-created: view o.v2: it reads o.v, which cannot be" in result.stdout
    assert _snapshot(db) == before


def test_a_versioned_file_that_drops_with_cascade_keeps_them_too(world) -> None:
    db, sql_dir = world
    write_migrations(
        sql_dir,
        {
            "migrations/V0002__widen.sql": """
                ALTER TABLE s.t ADD COLUMN d int;
                DROP MATERIALIZED VIEW s.m CASCADE;
                CREATE MATERIALIZED VIEW s.m AS SELECT a, b, c, d FROM s.t;
            """
        },
    )
    before = _snapshot(db)
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.ok, result.failed
    assert _snapshot(db) == before


def test_grants_and_indexes_others_gave_a_replaced_mart_pass_to_the_new_one(world) -> None:
    db, sql_dir = world
    with db.connect() as conn:
        conn.execute("GRANT SELECT ON s.m TO cfbops_test_reader")
        conn.execute("CREATE INDEX m_c ON s.m (c)")
        conn.execute("CREATE INDEX m_b ON s.m (b)")
    _change_mart(sql_dir, MART.replace("SELECT a, b, c FROM", "SELECT a, c FROM"))
    result = _migrate(db, sql_dir, "--drop-dependent", "o.v", "--drop-dependent", "o.v2",
                      "--drop-dependent", "o.by_row", "--json")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    dependents = json.loads(result.stdout)["dependents"]
    assert sorted(dependents["carried_over"]) == [
        "grants on s.m: SELECT to cfbops_test_reader",
        "index s.m_c on s.m",
    ]
    assert dependents["not_carried_over"] == ['index s.m_b on s.m: column "b" does not exist']
    with db.connect() as conn:
        assert conn.execute(
            "SELECT has_table_privilege('cfbops_test_reader', 's.m', 'SELECT'), "
            "to_regclass('s.m_c') IS NOT NULL"
        ).fetchone() == (True, True)
