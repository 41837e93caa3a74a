"""Migrations on a busy database: one run at a time, kills, lock timeouts, invalid indexes."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from cfbops.migrate.apply import migrate
from cfbops.migrate.lock_attempts import FIRST_PAUSE_S, MAX_PAUSE_S
from tests.conftest import REPO, DatabaseUnderTest, cli_env, run_cli
from tests.migrate_helpers import write_migrations
from tests.waits import (
    DEADLINE_S,
    GATE_SQL,
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


# V0002 waits at a gate the test holds shut (in short lock tries, holding the migration
# lock all along), so the race with a second run does not depend on timing.
GATED = {
    "migrations/V0001__gate.sql": "CREATE TABLE public.gate (id int);",
    "migrations/V0002__behind_gate.sql": """
        CREATE TABLE public.made_behind_gate (id int);
        INSERT INTO public.gate VALUES (1);
    """,
}


def _shut_gate(db: DatabaseUnderTest, sql_dir: Path) -> psycopg.Connection:
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    gate = db.connect(autocommit=False)
    gate.execute("LOCK TABLE public.gate IN ACCESS EXCLUSIVE MODE")
    return gate


def _wait_for_migration_lock_holder(db: DatabaseUnderTest, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    with db.connect() as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted "
                "AND a.application_name = 'cfbops migrate' AND a.datname = current_database()"
            ).fetchone()
            if row:
                return
            time.sleep(0.05)
    raise AssertionError("no migrate run took the migration lock")


def _stderr_watch(process: subprocess.Popen, fragment: str) -> tuple[threading.Event, list[str]]:
    """An Event set when `process` writes a stderr line holding `fragment`; all its lines."""
    seen, lines = threading.Event(), []

    def read() -> None:
        for line in process.stderr:
            lines.append(line)
            if fragment in line:
                seen.set()

    threading.Thread(target=read, daemon=True).start()
    return seen, lines


def test_two_runs_at_once_apply_each_file_exactly_once(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = write_migrations(tmp_path / "sql", GATED)
    gate = _shut_gate(db, sql_dir)
    first = _popen_migrate(db, sql_dir)
    _wait_for_migration_lock_holder(db)
    second = _popen_migrate(db, sql_dir)
    waiting, err2 = _stderr_watch(second, "waiting for the migration lock held by pid")
    assert waiting.wait(60), "".join(err2)
    gate.close()
    out1, err1 = first.communicate(timeout=60)
    out2 = second.stdout.read()
    second.wait(60)
    assert first.returncode == 0 and second.returncode == 0, err1 + "".join(err2)
    assert [a["version"] for a in json.loads(out1)["applied"]] == ["0002"]
    assert json.loads(out2)["applied"] == []
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT version, count(*) FROM ops.schema_history GROUP BY version ORDER BY version"
        ).fetchall()
    assert rows == [("0001", 1), ("0002", 1)]


def test_no_wait_exits_4_while_another_run_holds_the_lock(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = write_migrations(tmp_path / "sql", GATED)
    gate = _shut_gate(db, sql_dir)
    first = _popen_migrate(db, sql_dir)
    _wait_for_migration_lock_holder(db)
    second = run_cli(
        "--database-url", db.url, "--headless", "migrate", "--no-wait", "--sql-dir", str(sql_dir)
    )
    gate.close()
    first.communicate(timeout=60)
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


BUSY = {
    "migrations/V0001__t.sql": "CREATE TABLE busy (id int);",
    "migrations/V0002__alter.sql": "ALTER TABLE busy ADD COLUMN note text;",
}


def _holder_pid(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT pg_backend_pid()").fetchone()[0]


def test_a_held_lock_is_retried_in_short_tries_naming_the_blocker(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(tmp_path / "sql", BUSY)
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    holder = db.connect(autocommit=False, application_name="long report")
    pid = _holder_pid(holder)
    holder.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
    seen: list[str] = []

    def on_progress(event) -> None:
        seen.append(event.message)
        if "lock timeout" in event.message and not holder.closed:
            holder.close()  # the blocker goes away once cfbops has named it

    result = migrate(db.settings, sql_dir=sql_dir, progress=on_progress)
    holder.close()
    assert result.ok, result.failed
    assert result.applied[0].attempts >= 2
    named = [m for m in seen if "lock timeout" in m]
    assert f"pid {pid} (long report, idle in transaction" in named[0]
    assert "LOCK TABLE busy" in named[0]


def test_tries_are_short_and_the_pauses_between_them_jittered_growing_and_capped(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(tmp_path / "sql", BUSY)
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    pauses: list[float] = []
    with db.connect(autocommit=False) as holder:
        holder.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
        result = migrate(db.settings, sql_dir=sql_dir, lock_wait_s=2, sleep=pauses.append)
        holder.rollback()
    assert result.failed is not None and result.failed.lock_busy
    # Without the pauses, 2 s of short tries is many tries, not one long wait.
    assert len(pauses) >= 10
    assert pauses[0] <= FIRST_PAUSE_S and max(pauses) <= MAX_PAUSE_S
    assert pauses[-1] > pauses[0] and len(set(pauses)) == len(pauses)


def test_after_the_lock_wait_budget_migrate_exits_4_naming_the_blockers(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(tmp_path / "sql", BUSY)
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    with db.connect(autocommit=False, application_name="stuck app") as holder:
        pid = _holder_pid(holder)
        holder.execute("INSERT INTO busy VALUES (1)")
        result = run_cli(
            "--database-url",
            db.url,
            "--headless",
            "migrate",
            "--lock-wait",
            "1",
            "--sql-dir",
            str(sql_dir),
        )
        holder.rollback()
    assert result.returncode == 4, result.stderr
    assert f"blocked by pid {pid} (stuck app, idle in transaction" in result.stderr
    assert "INSERT INTO busy" in result.stderr
    assert "Nothing of that file was applied" in result.stdout + result.stderr
    with db.connect() as conn:
        columns = conn.execute(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = 'busy'::regclass AND attname = 'note'"
        ).fetchone()[0]
        versions = conn.execute(
            "SELECT version, success FROM ops.schema_history ORDER BY installed_rank"
        ).fetchall()
    # Nothing of V0002 applied; its attempt is kept as failed.
    assert columns == 0 and versions == [("0001", True), ("0002", False)]


def test_lock_wait_must_be_a_number_of_seconds(db: DatabaseUnderTest, tmp_path: Path):
    sql_dir = write_migrations(tmp_path / "sql", BUSY)
    result = run_cli(
        "--database-url", db.url, "--headless", "migrate", "--lock-wait", "soon",
        "--sql-dir", str(sql_dir),
    )  # fmt: skip
    assert result.returncode == 2
    assert "--lock-wait" in result.stderr


def test_a_preflight_query_that_meets_a_lock_is_retried_like_its_statement(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__t.sql": "CREATE TABLE codes (code text); INSERT INTO codes VALUES ('a');",
            "migrations/V0002__unique.sql": "CREATE UNIQUE INDEX codes_code ON codes (code);",
        },
    )
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    holder = db.connect(autocommit=False)
    holder.execute("LOCK TABLE codes IN ACCESS EXCLUSIVE MODE")
    seen: list[str] = []

    def on_progress(event) -> None:
        seen.append(event.message)
        if "lock timeout" in event.message and not holder.closed:
            holder.close()

    result = migrate(db.settings, sql_dir=sql_dir, progress=on_progress)
    holder.close()
    assert result.ok, result.failed
    assert any("lock timeout" in m for m in seen)  # the duplicates count met the lock first


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


def test_concurrent_statement_in_a_no_transaction_file_runs_alone_in_autocommit(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__t.sql": "CREATE TABLE t (id int);",
            "migrations/V0002__idx.sql": """
            -- cfbops: no-transaction
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


def test_plan_preflight_that_meets_a_lock_retries_then_exits_4_in_one_line(
    db: DatabaseUnderTest, tmp_path: Path
):
    sql_dir = write_migrations(
        tmp_path / "sql",
        {
            "migrations/V0001__t.sql": "CREATE TABLE codes (code text);",
            "migrations/V0002__unique.sql": "CREATE UNIQUE INDEX codes_code ON codes (code);",
        },
    )
    migrate(db.settings, sql_dir=sql_dir, to_version="0001")
    with db.connect(autocommit=False) as holder:
        holder.execute("LOCK TABLE codes IN ACCESS EXCLUSIVE MODE")
        result = run_cli(
            "--database-url", db.url, "--headless", "migrate", "--plan", "--lock-wait", "1",
            "--sql-dir", str(sql_dir),
        )  # fmt: skip
        holder.rollback()
    assert result.returncode == 4, result.stdout + result.stderr
    assert "planning sql/migrations/V0002__unique.sql: gave up after" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
