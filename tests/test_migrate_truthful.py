"""Migration files that used to lie or half-apply are refused, resumed or reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfbops.migrate.apply import migrate
from cfbops.migrate.files import load_migrations
from cfbops.migrate.state import migration_state
from tests.conftest import DatabaseUnderTest, run_cli
from tests.migrate_helpers import write_migrations


@pytest.fixture
def db(empty_db: DatabaseUnderTest) -> DatabaseUnderTest:
    """These tests bring their own migration files, so they start from an empty database."""
    return empty_db


def _cli(db: DatabaseUnderTest, sql_dir: Path, *args: str):
    return run_cli(
        "--database-url", db.url, "--headless", "migrate", *args, "--sql-dir", str(sql_dir)
    )


def _exists(db: DatabaseUnderTest, name: str) -> bool:
    with db.connect() as conn:
        return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0]


def _write_bytes(sql_dir: Path, relative: str, data: bytes) -> Path:
    path = sql_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return sql_dir


# --- B1: bytes the parser would not see -------------------------------------------------


def test_a_nul_byte_refuses_the_file_in_migrate_plan_and_lint(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = _write_bytes(
        tmp_path / "sql",
        "migrations/V0001__two_tables.sql",
        b"CREATE TABLE a (id int);\0\nCREATE TABLE b (id int);\n",
    )
    migrated = _cli(db, sql_dir)
    planned = _cli(db, sql_dir, "--plan")
    for result in (migrated, planned):
        assert result.returncode == 2, result.stdout + result.stderr
        assert "V0001__two_tables.sql:1: the file holds a NUL byte" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not _exists(db, "a") and not _exists(db, "b")
    # lint reports the file as an error and goes on with the others (a directory lint).
    linted = run_cli("--headless", "lint", "--json", str(sql_dir))
    assert linted.returncode == 1, linted.stdout + linted.stderr
    [violation] = json.loads(linted.stdout)["violations"]
    assert violation["file"].endswith("V0001__two_tables.sql")
    assert (violation["line"], violation["rule"]) == (1, "syntax-error")
    assert "NUL byte" in violation["message"]


def test_undecodable_bytes_are_refused_naming_the_line(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = _write_bytes(
        tmp_path / "sql",
        "migrations/V0001__latin1.sql",
        b"CREATE TABLE a (id int);\nCOMMENT ON TABLE a IS 'caf\xe9';\n",
    )
    result = _cli(db, sql_dir)
    assert result.returncode == 2
    assert "V0001__latin1.sql:2: byte 0xe9 is not UTF-8" in result.stderr
    assert not _exists(db, "a")


def test_a_utf8_bom_is_stripped_not_a_syntax_error(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = _write_bytes(
        tmp_path / "sql", "migrations/V0001__bom.sql", b"\xef\xbb\xbfCREATE TABLE a (id int);\n"
    )
    result = _cli(db, sql_dir)
    assert result.returncode == 0, result.stderr
    assert _exists(db, "a")


# --- B2: the plan says when a check depends on the file's earlier statements -----------


def test_plan_says_a_check_depends_on_earlier_statements_and_does_not_block(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__notes.sql": """
                CREATE TABLE notes (id int, note text);
                INSERT INTO notes VALUES (1, NULL), (2, 'x');
            """,
            "migrations/V0002__note_required.sql": """
                UPDATE notes SET note = '' WHERE note IS NULL;
                -- cfbops: allow adding-not-nullable-field because the table is tiny
                ALTER TABLE notes ALTER COLUMN note SET NOT NULL;
            """,
        },
    )
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    plan = _cli(db, sql_dir, "--plan")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "depends on line(s) 1 of this file" in plan.stdout
    document = json.loads(_cli(db, sql_dir, "--plan", "--json").stdout)
    (check,) = document["pending"][0]["preflight"]
    assert check["count"] == 1 and check["after_lines"] == [1]
    assert _cli(db, sql_dir).returncode == 0


# --- B3: files that would commit part of themselves -------------------------------------

MIXED = {
    "migrations/V0001__t.sql": "CREATE TABLE t (id int);",
    "migrations/V0002__flag.sql": """
        ALTER TABLE t ADD COLUMN flag boolean;
        CREATE INDEX CONCURRENTLY t_flag ON t (flag);
    """,
}


def test_a_file_mixing_concurrent_index_and_ordinary_ddl_is_refused_before_anything_runs(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(tmp_path / "sql", MIXED)
    result = _cli(db, sql_dir)
    assert result.returncode == 1
    assert "V0002__flag.sql:2: `CREATE INDEX CONCURRENTLY t_flag …` cannot run inside" in (
        result.stderr
    )
    assert "-- cfbops: no-transaction" in result.stderr
    assert "Nothing was applied" in result.stderr
    assert not _exists(db, "t")  # not even the harmless V0001 ran
    assert "migrate will not run this file" in _cli(db, sql_dir, "--plan").stdout


def test_commit_inside_a_transactional_file_is_refused(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__commits.sql": "CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);"
        },
    )
    result = _cli(db, sql_dir)
    assert result.returncode == 1
    assert "V0001__commits.sql:2: COMMIT inside a file cfbops runs as one transaction" in (
        result.stderr
    )
    assert not _exists(db, "a")


NO_TRANSACTION = {
    "migrations/V0001__t.sql": "CREATE TABLE t (id int);",
    "migrations/V0002__flag.sql": """
        -- cfbops: no-transaction
        ALTER TABLE t ADD COLUMN flag boolean;
        CREATE INDEX CONCURRENTLY t_flag ON t (flag);
        INSERT INTO audit_log VALUES ('flag added');
    """,
}


def test_a_no_transaction_file_says_what_committed_and_the_retry_resumes_after_it(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(tmp_path / "sql", NO_TRANSACTION)
    first = _cli(db, sql_dir)
    assert first.returncode == 1
    assert "Committed 2 of 3 statements of that file (line(s) 2, 3)" in first.stdout
    assert "the next run resumes at line 4" in first.stdout
    assert "Nothing of that file was applied" not in first.stdout
    with db.connect() as conn:
        conn.execute("CREATE TABLE audit_log (message text)")
    second = _cli(db, sql_dir, "--json")
    # ADD COLUMN flag (no IF NOT EXISTS) would fail with "already exists" if it ran again.
    assert second.returncode == 0, second.stdout + second.stderr
    assert [a["version"] for a in json.loads(second.stdout)["applied"]] == ["0002"]
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM ops.statement_progress").fetchone()[0] == 0


def test_correcting_the_failed_statement_still_resumes_after_the_committed_ones(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(tmp_path / "sql", NO_TRANSACTION)
    assert _cli(db, sql_dir).returncode == 1
    path = sql_dir / "migrations" / "V0002__flag.sql"
    path.write_text(
        path.read_text().replace("INSERT INTO audit_log VALUES ('flag added');", "SELECT 1;")
    )
    result = _cli(db, sql_dir)
    assert result.returncode == 0, result.stdout + result.stderr


# --- B4: repeatables dropped by a CASCADE -----------------------------------------------

CASCADE = {
    "migrations/V0001__base.sql": """
        CREATE SCHEMA marts;
        CREATE SCHEMA api;
        CREATE TABLE public.games (id int PRIMARY KEY, home text, points int);
        INSERT INTO public.games VALUES (1, 'Alabama', 30), (2, 'Auburn', 20);
        CREATE MATERIALIZED VIEW marts.matchup_history AS
            SELECT home, sum(points) AS total FROM public.games GROUP BY home;
    """,
    "repeatable/R__api_matchup.sql": """
        CREATE OR REPLACE VIEW api.matchup AS SELECT home, total FROM marts.matchup_history;
    """,
}
REBUILD = """
    DROP MATERIALIZED VIEW marts.matchup_history CASCADE;
    CREATE MATERIALIZED VIEW marts.matchup_history AS
        SELECT home, max(points) AS total FROM public.games GROUP BY home;
"""


def test_a_repeatable_dropped_by_a_cascade_is_reapplied_in_the_same_run(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(tmp_path / "sql", CASCADE)
    assert migrate(db.settings, sql_dir=sql_dir).ok
    write_migrations(sql_dir, {"migrations/V0002__rebuild.sql": REBUILD})
    plan = _cli(db, sql_dir, "--plan")
    assert "CASCADE also drops: view api.matchup" in plan.stdout
    assert "pending although unchanged: api.matchup is dropped by the CASCADE" in plan.stdout
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.ok, result.failed
    assert [a.name for a in result.applied] == ["rebuild", "api_matchup"]
    assert _exists(db, "api.matchup")


def test_status_counts_a_repeatable_whose_objects_are_gone_as_pending(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(tmp_path / "sql", CASCADE)
    assert migrate(db.settings, sql_dir=sql_dir).ok
    with db.connect() as conn:
        conn.execute("DROP MATERIALIZED VIEW marts.matchup_history CASCADE")
        conn.execute(
            "CREATE MATERIALIZED VIEW marts.matchup_history AS "
            "SELECT home, sum(points) AS total FROM public.games GROUP BY home"
        )
    with db.connect() as conn:  # what `status` and the console count
        state = migration_state(conn, *load_migrations(sql_dir))
    assert [f.name for f in state.pending_repeatable] == ["api_matchup"]
    document = json.loads(_cli(db, sql_dir, "--plan", "--json").stdout)
    assert [f["name"] for f in document["pending"]] == ["api_matchup"]
    assert "Nothing to migrate" not in _cli(db, sql_dir).stdout
    assert _exists(db, "api.matchup")


def test_a_drop_without_cascade_names_the_dependents(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = write_migrations(tmp_path / "sql", CASCADE)
    assert migrate(db.settings, sql_dir=sql_dir).ok
    write_migrations(
        sql_dir, {"migrations/V0002__drop.sql": "DROP MATERIALIZED VIEW marts.matchup_history;"}
    )
    result = _cli(db, sql_dir)
    assert result.returncode == 1
    assert "view api.matchup depends on materialized view marts.matchup_history" in (
        result.stdout + result.stderr
    )


# --- B6: say what was done --------------------------------------------------------------


def test_accept_drift_says_what_it_accepted(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = write_migrations(
        tmp_path / "sql", {"migrations/V0001__t.sql": "CREATE TABLE t (id int);"}
    )
    assert migrate(db.settings, sql_dir=sql_dir).ok
    path = sql_dir / "migrations" / "V0001__t.sql"
    path.write_text(path.read_text() + "-- reviewed\n")
    result = _cli(db, sql_dir, "--accept-drift", "0001")
    assert result.returncode == 0, result.stderr
    assert "Accepted the edited V0001 (sql/migrations/V0001__t.sql)" in result.stdout
    assert "ops.accepted_drift" in result.stdout


def test_plan_ends_with_a_summary(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__t.sql": "CREATE TABLE t (id int); CREATE TABLE u (id int);",
            "migrations/V0002__idx.sql": "CREATE INDEX t_id ON t (id);",
        },
    )
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    with db.connect() as conn:
        conn.execute("ALTER TABLE u ADD COLUMN note text")
    write_migrations(
        sql_dir, {"migrations/V0003__lock.sql": "LOCK TABLE u IN ACCESS EXCLUSIVE MODE;"}
    )
    result = _cli(db, sql_dir, "--plan")
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("Summary: 2 file(s) pending (2 versioned, 0 repeatable), 2 statement(s)")
    assert "strongest lock ACCESS EXCLUSIVE (at sql/migrations/V0003__lock.sql:1)" in last
    assert "2 table(s) touched: t, u" in last
    assert "lint 1 error(s)" in last
