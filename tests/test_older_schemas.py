"""Every reader tolerates every older schema: on a database an older cfbops migrated (a sample
of the version boundaries where `ops` changed), `status` and the console's data read what
exists, as a role that may only read, and say of the rest that `migrate` brings it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import psycopg

from cfbops.cli import main
from cfbops.commands.status import status_text
from cfbops.config import default_sql_dir
from cfbops.db.ops_objects import NOT_AVAILABLE
from cfbops.migrate.apply import migrate
from cfbops.status import collect_status
from cfbops.tui.data import StatusSource
from tests.conftest import DatabaseUnderTest
from tests.roles import READ, role_with

# Where `ops` changed: before its tables, the refresh history, its holder column, the budget
# and backfill tables, the quality history, work_mem, just before the backfill's pause, and
# just before backfill items became one per game (V0298 gives them a kind).
BOUNDARIES = ("0007", "0110", "0200", "0201", "0250", "0260", "0271", "0295")

# Rows an older cfbops wrote, in the shapes of its time (no pid, no paused_at).
ROWS_AT = {
    "0200": "INSERT INTO ops.refresh_run (status, finished_at) VALUES ('succeeded', now())",
    "0250": "INSERT INTO ops.backfill_jobs (kind, first_season, last_season) "
    "VALUES ('play-stats', 2020, 2021)",
    "0260": "INSERT INTO ops.check_run (finished_at, wall_ms) VALUES (now(), 12)",
    "0295": "INSERT INTO ops.backfill_items (job_id, item_key, season) "
    "SELECT id, 1, 2020 FROM ops.backfill_jobs",
}


def test_status_and_the_console_read_each_older_schema_as_a_reader(empty_db: DatabaseUnderTest):
    owner = empty_db.settings
    with role_with(empty_db, *READ) as reader_url:
        reader = dataclasses.replace(owner, database_url=reader_url)
        seen = {"(empty)": read_everything(reader)}
        for version in BOUNDARIES:
            result = migrate(owner, sql_dir=default_sql_dir(), to_version=version)
            assert result.ok, result.failed
            if version in ROWS_AT:
                with empty_db.connect() as conn:
                    conn.execute(ROWS_AT[version])
            seen[version] = read_everything(reader)
    assert seen["(empty)"]["budget"] == seen["0200"]["budget"] == NOT_AVAILABLE
    assert "0 applied" in seen["(empty)"]["migrations"]
    assert "last run 1" in seen["0201"]["marts"]
    assert "play-stats 2020-2021: 0/0 done" in seen["0250"]["backfill"]
    assert seen["0271"]["backfill"] == seen["0250"]["backfill"]  # no paused_at yet
    assert "play-stats 2020-2021: 0/1 done" in seen["0295"]["backfill"]  # items without kind
    assert "last run 1" in seen["0271"]["quality"]


def read_everything(settings) -> dict[str, str]:
    """status's sections as text, and one console poll (which must not fail)."""
    snapshot = collect_status(settings)
    source = StatusSource(settings, clock=lambda: datetime(2026, 12, 1, tzinfo=UTC))
    try:
        console = source.poll()
    finally:
        source.close()
    assert console.migration_files is not None  # the migrations pane always has its files
    assert console.status.budget == snapshot.budget
    lines = status_text(snapshot).splitlines()[1:]
    return {line.split(None, 1)[0]: line.split(None, 1)[1].strip() for line in lines}


def test_the_migrations_pane_reads_a_database_with_nothing_in_it(empty_db: DatabaseUnderTest):
    source = StatusSource(empty_db.settings)
    try:
        console = source.poll()
    finally:
        source.close()
    assert console.migration_files is not None
    assert console.status.migrations is not None and console.status.migrations.applied == 0
    assert console.status.migrations.pending > 0
    with psycopg.connect(empty_db.url) as conn:
        schemas = conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'ops'")
        assert schemas.fetchone() == (0,)


def test_budget_and_backfill_status_say_what_brings_their_tables(
    empty_db: DatabaseUnderTest, capsys
):
    texts = []
    for command in (("budget",), ("backfill", "status")):
        capsys.readouterr()
        code = main(["--headless", "--database-url", empty_db.url, *command])
        texts.append((code, capsys.readouterr().out.strip()))
    assert texts == [
        (0, f"budget {NOT_AVAILABLE}"),
        (0, f"backfill {NOT_AVAILABLE}"),
    ]
