"""Reading never writes: `status`, the console's polls and `check` run with exactly the
privileges docs/privileges.md lists; a dead refresh run reads as abandoned and only the
next writer marks it."""

from __future__ import annotations

import dataclasses
import json

import pytest

from cfbops.cli import main
from cfbops.marts.runner import refresh_marts
from cfbops.tui.data import StatusSource
from tests.conftest import DatabaseUnderTest
from tests.roles import READ, role_with

# A run whose session is gone: 'running', held by a pid that holds no lock.
DEAD_RUN_SQL = "INSERT INTO ops.refresh_run (status, client, pid) VALUES ('running', 'gone', 1)"

# docs/privileges.md's `check` row: read, and write to the check history.
CHECK = (
    *READ,
    "GRANT INSERT, UPDATE ON ops.check_run, ops.check_result, ops.check_mute TO {role}",
)


# docs/privileges.md's `refresh` row, through MAINTAIN (PostgreSQL 17+) instead of ownership.
REFRESH = (
    *READ,
    "GRANT pg_maintain TO {role}",
    "GRANT INSERT, UPDATE ON ops.refresh_run, ops.mart_refresh TO {role}",
)


def cli(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--headless", "--database-url", url, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_status(db: DatabaseUnderTest) -> list[tuple[str]]:
    with db.connect() as conn:
        return conn.execute("SELECT status FROM ops.refresh_run ORDER BY run_id").fetchall()


def test_status_runs_for_a_role_that_may_only_read(
    db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]
):
    with db.connect() as conn:
        conn.execute(DEAD_RUN_SQL)
    with role_with(db, *READ) as url:
        code, out, err = cli(url, capsys, "status", "--json")
    assert code == 0, err
    marts = json.loads(out)["marts"]
    assert [run["status"] for run in marts["abandoned"]] == ["abandoned"]


def test_status_reports_a_dead_run_without_marking_it(
    db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]
):
    with db.connect() as conn:
        conn.execute(DEAD_RUN_SQL)
    code, out, _ = cli(db.url, capsys, "status")
    assert code == 0 and "abandoned (died mid-way): run 1" in out
    assert run_status(db) == [("running",)]


def test_the_next_refresh_marks_the_dead_run(db: DatabaseUnderTest):
    with db.connect() as conn:
        conn.execute(DEAD_RUN_SQL)
    refresh_marts(db.settings, ["marts.coach_record"])
    assert run_status(db) == [("abandoned",), ("succeeded",)]


def test_the_console_polls_as_a_role_that_may_only_read(db: DatabaseUnderTest):
    with db.connect() as conn:
        conn.execute(DEAD_RUN_SQL)
    with role_with(db, *READ) as url:
        source = StatusSource(dataclasses.replace(db.settings, database_url=url))
        try:
            snapshot = source.poll()
        finally:
            source.close()
    assert snapshot.status.marts is not None and snapshot.status.marts.abandoned
    assert snapshot.status.quality is not None and snapshot.status.budget is not None
    assert run_status(db) == [("running",)]


def test_check_stores_its_run_with_the_check_rows_privileges(
    db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]
):
    with role_with(db, *CHECK) as url:
        code, out, err = cli(url, capsys, "check", "--select", "relationships", "--json")
        read_only_code, _, _ = cli(url, capsys, "check", "--read-only", "--select", "picks")
    assert code in (0, 1), err
    assert json.loads(out)["run_id"] == 1
    assert read_only_code in (0, 1)
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM ops.check_run").fetchone() == (1,)


def test_refresh_runs_with_the_refresh_rows_privileges(
    db: DatabaseUnderTest, capsys: pytest.CaptureFixture[str]
):
    with db.connect() as conn:
        if conn.info.server_version < 170000:
            pytest.skip("MAINTAIN arrived in PostgreSQL 17; before it, the owner refreshes")
        conn.execute(DEAD_RUN_SQL)
    with role_with(db, *REFRESH) as url:
        code, _, err = cli(url, capsys, "refresh", "--select", "coach_record")
    assert code == 0, err
    assert run_status(db) == [("abandoned",), ("succeeded",)]
