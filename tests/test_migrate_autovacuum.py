"""Autovacuum in a migration's way is outwaited, not tried against until --lock-wait runs
out: PostgreSQL cancels an autovacuum worker (one not preventing wraparound) for a lock
request that has waited deadlock_timeout, which a short try never does. On a real warehouse
a VACUUM of a large table holds it for minutes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from cfbops.config import DatabaseSource, Settings
from cfbops.migrate.apply import migrate
from tests.autovacuum import CRAWLING, autovacuum_server, wait_for_autovacuum
from tests.migrate_helpers import write_migrations

TABLE_SQL = f"""
CREATE TABLE public.busy_rows (id int PRIMARY KEY, label text) WITH {CRAWLING};
INSERT INTO public.busy_rows SELECT g, md5(g::text) FROM generate_series(1, 20000) AS g;
"""


@pytest.fixture
def settings(scratch_dir: Path) -> Iterator[Settings]:
    with autovacuum_server(scratch_dir / "pg") as url:
        yield Settings(database_url=url, database_source=DatabaseSource.FLAG, home=scratch_dir)


def test_a_migration_outwaits_autovacuum_holding_its_table(
    settings: Settings, scratch_dir: Path
) -> None:
    sql_dir = write_migrations(
        scratch_dir / "sql",
        {"migrations/V0001__busy_extra.sql": "ALTER TABLE public.busy_rows ADD COLUMN extra int;"},
    )
    notes: list[str] = []
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute(TABLE_SQL)
        wait_for_autovacuum(conn, "public.busy_rows")

        result = migrate(
            settings, sql_dir=sql_dir, lock_wait_s=4.0, progress=lambda e: notes.append(e.message)
        )

        assert result.ok, result.failed
        columns = conn.execute(
            "SELECT count(*) FROM information_schema.columns"
            " WHERE table_name = 'busy_rows' AND column_name = 'extra'"
        ).fetchone()
    assert columns == (1,)
    assert any("autovacuum holds what it needs" in note for note in notes), notes
