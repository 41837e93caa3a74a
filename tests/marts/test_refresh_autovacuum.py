"""A plain refresh outwaits autovacuum instead of giving way to it: after a refresh rewrote a
mart, autovacuum visits it (a VACUUM or ANALYZE of a large mart takes minutes with its cost
delays) and holds a lock no short try gets past. PostgreSQL cancels such a worker for a lock
request that has waited deadlock_timeout; the refresh's next try waits that long."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from cfbops.config import DatabaseSource, Settings, default_sql_dir
from cfbops.marts.models import AppliedMode, MartStatus, RefreshMode
from cfbops.marts.runner import refresh_marts
from cfbops.migrate.apply import migrate
from tests.autovacuum import CRAWLING, autovacuum_server, wait_for_autovacuum

PROBE_SQL = f"""
CREATE SCHEMA raw;
CREATE TABLE raw.probe_rows AS
    SELECT g AS id, md5(g::text) AS label FROM generate_series(1, 20000) AS g;
CREATE MATERIALIZED VIEW marts.probe AS SELECT id, label FROM raw.probe_rows;
CREATE UNIQUE INDEX ON marts.probe (id);
ALTER MATERIALIZED VIEW marts.probe SET {CRAWLING};
"""


@pytest.fixture
def settings(scratch_dir: Path) -> Iterator[Settings]:
    with autovacuum_server(scratch_dir / "pg") as url:
        settings = Settings(database_url=url, database_source=DatabaseSource.FLAG, home=scratch_dir)
        assert migrate(settings, sql_dir=default_sql_dir()).ok
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(PROBE_SQL)
        yield settings


def test_a_plain_refresh_outwaits_autovacuum_instead_of_refreshing_concurrently(
    settings: Settings,
) -> None:
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute("REFRESH MATERIALIZED VIEW marts.probe")  # 20,000 rows in: autovacuum's
        wait_for_autovacuum(conn, "marts.probe")

        run = refresh_marts(settings, ["probe"], mode=RefreshMode.PLAIN, lock_wait_s=4.0)

    (probe,) = run.views
    assert probe.status is MartStatus.REFRESHED
    assert probe.mode is AppliedMode.PLAIN, probe.mode_reason
