"""Build beside, swap in: a repeatable that replaces a mart fills the new one while the old
one keeps answering; readers wait only for the swap at the end of the transaction."""

from __future__ import annotations

import threading
from pathlib import Path

from cfbops.migrate.apply import migrate
from tests.conftest import DatabaseUnderTest
from tests.migrate_helpers import write_migrations
from tests.waits import wait_for_query

# The mart's query waits inside s.hold() until the test opens s.valve (a table, not a
# lock: the migration's short lock_timeout would turn a lock wait into retries).
BASE = """
    CREATE SCHEMA s;
    CREATE TABLE s.t (a int PRIMARY KEY, b text);
    INSERT INTO s.t VALUES (1, 'x'), (2, 'y');
    CREATE TABLE s.valve (open boolean NOT NULL);
    INSERT INTO s.valve VALUES (true);
    CREATE FUNCTION s.hold() RETURNS int LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
        WHILE NOT (SELECT open FROM s.valve) LOOP
            PERFORM pg_sleep(0.01);
        END LOOP;
        RETURN 1;
    END
    $$;
"""
MART = """
    DROP MATERIALIZED VIEW IF EXISTS s.m CASCADE;
    CREATE MATERIALIZED VIEW s.m AS SELECT a, b{extra} FROM s.t WHERE s.hold() = 1;
    CREATE UNIQUE INDEX m_a ON s.m (a);
    DROP VIEW IF EXISTS s.v CASCADE;
    CREATE VIEW s.v AS SELECT a, b FROM s.m;
"""


def test_the_old_mart_answers_while_its_replacement_fills(
    empty_db: DatabaseUnderTest, tmp_path: Path
) -> None:
    files = {"migrations/V0001__base.sql": BASE, "repeatable/R__s_m.sql": MART.format(extra="")}
    sql_dir = write_migrations(tmp_path / "sql", files)
    assert migrate(empty_db.settings, sql_dir=sql_dir).ok
    write_migrations(sql_dir, {"repeatable/R__s_m.sql": MART.format(extra=", 1 AS c")})
    outcome: list = []
    with empty_db.connect() as conn:
        conn.execute("UPDATE s.valve SET open = false")
        run = threading.Thread(
            target=lambda: outcome.append(migrate(empty_db.settings, sql_dir=sql_dir))
        )
        run.start()
        try:
            wait_for_query(conn, "%CREATE MATERIALIZED VIEW%s.hold()%")  # filling, held
            with empty_db.connect() as reader:
                reader.execute("SET lock_timeout = '5s'")  # a blocked read fails, never hangs
                assert reader.execute("SELECT count(*) FROM s.v").fetchone() == (2,)
                assert reader.execute("SELECT count(*) FROM s.m").fetchone() == (2,)
        finally:
            conn.execute("UPDATE s.valve SET open = true")
            run.join(timeout=120)
        assert outcome and outcome[0].ok, outcome
        assert conn.execute("SELECT c FROM s.v JOIN s.m USING (a) LIMIT 1").fetchone() == (1,)
        assert conn.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'cfbops_build_%'"
        ).fetchone() == (0,)
        assert conn.execute("SELECT to_regclass('s.m_a') IS NOT NULL").fetchone() == (True,)


def test_a_kept_mart_someone_else_built_on_it_is_filled_ahead_too(
    empty_db: DatabaseUnderTest, tmp_path: Path
) -> None:
    files = {"migrations/V0001__base.sql": BASE, "repeatable/R__s_m.sql": MART.format(extra="")}
    sql_dir = write_migrations(tmp_path / "sql", files)
    assert migrate(empty_db.settings, sql_dir=sql_dir).ok
    with empty_db.connect() as conn:  # theirs, on ours, held by a valve of its own
        conn.execute(
            "CREATE SCHEMA o; CREATE TABLE o.valve (open boolean NOT NULL);"
            " INSERT INTO o.valve VALUES (true);"
            " CREATE FUNCTION o.hold() RETURNS int LANGUAGE plpgsql VOLATILE AS $$"
            " BEGIN WHILE NOT (SELECT open FROM o.valve) LOOP PERFORM pg_sleep(0.01);"
            " END LOOP; RETURN 1; END $$;"
            " CREATE MATERIALIZED VIEW o.mv AS SELECT a, b FROM s.m WHERE o.hold() = 1;"
        )
    write_migrations(sql_dir, {"repeatable/R__s_m.sql": MART.format(extra=", 1 AS c")})
    outcome: list = []
    with empty_db.connect() as conn:
        conn.execute("UPDATE o.valve SET open = false")
        run = threading.Thread(
            target=lambda: outcome.append(migrate(empty_db.settings, sql_dir=sql_dir))
        )
        run.start()
        try:
            wait_for_query(conn, "%CREATE MATERIALIZED VIEW%cfbops_build_o%mv%")  # ahead
            with empty_db.connect() as reader:
                reader.execute("SET lock_timeout = '5s'")
                assert reader.execute("SELECT count(*) FROM o.mv").fetchone() == (2,)
                assert reader.execute("SELECT count(*) FROM s.v").fetchone() == (2,)
        finally:
            conn.execute("UPDATE o.valve SET open = true")
            run.join(timeout=120)
        assert outcome and outcome[0].ok, outcome
        assert outcome[0].dependents.recreated == ("materialized view o.mv",)
        assert conn.execute("SELECT count(*) FROM o.mv").fetchone() == (2,)
