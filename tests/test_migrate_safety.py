"""Migrations on a busy database: one run at a time, kills, lock timeouts, invalid indexes."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from cfbops.migrate.apply import migrate
from cfbops.progress import Progress
from tests.conftest import REPO, DatabaseUnderTest, cli_env, run_cli
from tests.migrate_helpers import write_migrations
from tests.waits import (
    DEADLINE_S,
    GATE_SQL,
    gate_closed,
    wait_at_the_gate,
    wait_for_event,
    wait_for_query,
)


@pytest.fixture
def db(empty_db: DatabaseUnderTest) -> DatabaseUnderTest:
    """These tests bring their own migration files, so they start from an empty database."""
    return empty_db


SLOW = {
    "migrations/V0001__control.sql": """
        CREATE TABLE public.sleep_control (seconds float NOT NULL);
        INSERT INTO public.sleep_control VALUES (0);
    """,
    "migrations/V0002__slow.sql": f"""
        CREATE TABLE public.made_by_slow (id int);
        SELECT pg_sleep((SELECT seconds FROM public.sleep_control));
        {GATE_SQL};
        INSERT INTO public.made_by_slow VALUES (1);
    """,
}


def _popen_migrate(db: DatabaseUnderTest, sql_dir: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cfbops",
            "--database-url",
            db.url,
            "--headless",
            "migrate",
            "--json",
            "--sql-dir",
            str(sql_dir),
            *extra,
        ],
        cwd=REPO,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stderr_until(process: subprocess.Popen, text: str) -> str:
    """Read the process's stderr line by line until a line holds `text`; returns what was read."""
    lines: list[str] = []
    seen = threading.Event()

    def read() -> None:
        for line in process.stderr:
            lines.append(line)
            if text in line:
                seen.set()
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    wait_for_event(seen, f"{text!r} on stderr")
    reader.join(DEADLINE_S)
    return "".join(lines)


def _prime(db: DatabaseUnderTest, sql_dir: Path, seconds: float) -> None:
    """Apply V0001 only, then set how long V0002 sleeps."""
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    with db.connect() as conn:
        conn.execute("UPDATE public.sleep_control SET seconds = %s", (seconds,))


def test_two_runs_at_once_apply_each_file_exactly_once(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = write_migrations(tmp_path / "sql", SLOW)
    _prime(db, sql_dir, 0)
    with gate_closed(db) as gate:  # V0002 waits at the gate until this block ends
        first = _popen_migrate(db, sql_dir)
        wait_at_the_gate(gate, 1)
        second = _popen_migrate(db, sql_dir)
        err2 = _stderr_until(second, "waiting for the migration lock held by pid")
    out1, err1 = first.communicate(timeout=DEADLINE_S)
    out2, rest = second.communicate(timeout=DEADLINE_S)
    err2 += rest
    assert first.returncode == 0 and second.returncode == 0, err1 + err2
    assert [a["version"] for a in json.loads(out1)["applied"]] == ["0002"]
    assert json.loads(out2)["applied"] == []
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT version, count(*) FROM ops.schema_history GROUP BY version ORDER BY version"
        ).fetchall()
    assert rows == [("0001", 1), ("0002", 1)]


def test_no_wait_exits_4_while_another_run_holds_the_lock(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = write_migrations(tmp_path / "sql", SLOW)
    _prime(db, sql_dir, 0)
    with gate_closed(db) as gate:
        first = _popen_migrate(db, sql_dir)
        wait_at_the_gate(gate, 1)
        second = run_cli(
            "--database-url",
            db.url,
            "--headless",
            "migrate",
            "--no-wait",
            "--sql-dir",
            str(sql_dir),
        )
    first.communicate(timeout=DEADLINE_S)
    assert second.returncode == 4
    assert "cfbops migrate" in second.stderr
    assert first.returncode == 0


def test_sigkill_mid_file_leaves_no_trace_and_the_next_run_applies_it(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(tmp_path / "sql", SLOW)
    _prime(db, sql_dir, 60)
    victim = _popen_migrate(db, sql_dir)
    with db.connect() as watcher:
        wait_for_query(watcher, "%pg_sleep%")
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=30)
    with db.connect() as conn:
        conn.execute("UPDATE public.sleep_control SET seconds = 0")
        assert conn.execute("SELECT to_regclass('public.made_by_slow')").fetchone()[0] is None
        versions = conn.execute("SELECT version FROM ops.schema_history").fetchall()
    assert versions == [("0001",)]
    # The killed backend notices its client is gone and releases the lock within seconds.
    result = run_cli(
        "--database-url",
        db.url,
        "--headless",
        "migrate",
        "--json",
        "--wait",
        "30",
        "--sql-dir",
        str(sql_dir),
    )
    assert result.returncode == 0, result.stderr
    assert [a["version"] for a in json.loads(result.stdout)["applied"]] == ["0002"]
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM public.made_by_slow").fetchone()[0] == 1


def test_lock_timeout_is_retried_with_backoff_until_the_table_is_free(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__t.sql": "CREATE TABLE busy (id int);",
            "migrations/V0002__alter.sql": "ALTER TABLE busy ADD COLUMN note text;",
        },
    )
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    settings = replace(db.settings, lock_timeout="100ms")
    holder = db.connect(autocommit=False)
    holder.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
    seen: list[str] = []

    def note(progress: Progress) -> None:
        seen.append(progress.message)
        if "lock timeout" in progress.message:
            holder.rollback()  # free the table once the first attempt has timed out

    result = migrate(settings, sql_dir=sql_dir, progress=note)
    holder.close()
    assert result.ok
    assert result.applied[0].attempts >= 2
    assert any("lock timeout" in note and "retry 1/" in note for note in result.retries)
    assert any("lock timeout" in message for message in seen)


def test_lock_timeout_gives_up_after_bounded_attempts(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__t.sql": "CREATE TABLE busy (id int);",
            "migrations/V0002__alter.sql": "ALTER TABLE busy ADD COLUMN note text;",
        },
    )
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    settings = replace(db.settings, lock_timeout="50ms")
    with db.connect(autocommit=False) as holder:
        holder.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
        result = migrate(settings, sql_dir=sql_dir, sleep=lambda _: None)
        holder.rollback()
    assert result.failed is not None
    assert "lock timeout" in result.failed.error
    assert len(result.retries) == 4


def test_invalid_index_from_a_failed_concurrent_build_is_dropped_and_rebuilt(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__t.sql": """
                CREATE TABLE codes (code text);
                INSERT INTO codes VALUES ('a');
            """,
            "migrations/V0002__idx.sql": """
            -- cfbops: no-transaction
            CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS codes_code ON codes (code);
        """,
        },
    )
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    with db.connect() as conn:  # an earlier build that failed half-way
        conn.execute("INSERT INTO codes VALUES ('a')")
        with contextlib.suppress(psycopg.errors.UniqueViolation):
            conn.execute("CREATE UNIQUE INDEX CONCURRENTLY codes_code ON codes (code)")
        assert conn.execute(
            "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = 'codes_code'::regclass"
        ).fetchone()[0]
        conn.execute("DELETE FROM codes WHERE ctid = (SELECT max(ctid) FROM codes)")
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.ok, result.failed
    with db.connect() as conn:
        assert conn.execute(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'codes_code'::regclass"
        ).fetchone()[0]


def test_concurrent_statement_in_a_plain_file_runs_alone_in_autocommit(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__t.sql": "CREATE TABLE t (id int);",
            "migrations/V0002__idx.sql": """
            CREATE INDEX CONCURRENTLY IF NOT EXISTS t_id ON t (id);
            COMMENT ON INDEX t_id IS 'made concurrently';
        """,
        },
    )
    result = migrate(db.settings, sql_dir=sql_dir)
    assert result.ok, result.failed
    assert [m.version for m in result.applied] == ["0001", "0002"]
    with db.connect() as conn:
        index = conn.execute(
            "SELECT indisvalid, obj_description(indexrelid, 'pg_class') FROM pg_index"
            " WHERE indexrelid = 't_id'::regclass"
        ).fetchone()
        history = conn.execute(
            "SELECT version, success FROM ops.schema_history WHERE kind = 'versioned'"
            " ORDER BY installed_rank"
        ).fetchall()
    assert index == (True, "made concurrently")
    assert history == [("0001", True), ("0002", True)]
