"""A plain refresh outwaits autovacuum instead of giving way to it: after a refresh rewrote a
mart, autovacuum visits it (a VACUUM or ANALYZE of a large mart takes minutes with its cost
delays) and holds a lock no short try gets past. PostgreSQL cancels such a worker for a lock
request that has waited deadlock_timeout; the refresh's next try waits that long."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from cfbops.config import DatabaseSource, Settings, default_sql_dir
from cfbops.db.embedded import EmbeddedServer
from cfbops.marts.models import AppliedMode, MartStatus, RefreshMode
from cfbops.marts.runner import refresh_marts
from cfbops.migrate.apply import migrate
from tests.conftest import TEST_SERVER_SETTINGS
from tests.waits import wait_until

# The launcher looks at the database every second (the default: every minute).
AUTOVACUUM_SETTINGS = {**TEST_SERVER_SETTINGS, "autovacuum_naptime": "1s"}

# A mart autovacuum visits after every refresh and crawls through: a page, then 100 ms.
PROBE_SQL = """
CREATE SCHEMA raw;
CREATE TABLE raw.probe_rows AS
    SELECT g AS id, md5(g::text) AS label FROM generate_series(1, 20000) AS g;
CREATE MATERIALIZED VIEW marts.probe AS SELECT id, label FROM raw.probe_rows;
CREATE UNIQUE INDEX ON marts.probe (id);
ALTER MATERIALIZED VIEW marts.probe SET (
    autovacuum_vacuum_insert_threshold = 1, autovacuum_vacuum_insert_scale_factor = 0,
    autovacuum_analyze_threshold = 1, autovacuum_analyze_scale_factor = 0,
    autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1
);
"""
AUTOVACUUM_HOLDS_SQL = """
SELECT count(*) > 0 FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid
WHERE l.locktype = 'relation' AND l.relation = 'marts.probe'::regclass AND l.granted
  AND a.backend_type = 'autovacuum worker'
"""


@pytest.fixture
def settings(scratch_dir: Path) -> Iterator[Settings]:
    server = EmbeddedServer(scratch_dir / "pg", extra_settings=AUTOVACUUM_SETTINGS)
    try:
        url = server.ensure_running().url()
        settings = Settings(database_url=url, database_source=DatabaseSource.FLAG, home=scratch_dir)
        assert migrate(settings, sql_dir=default_sql_dir()).ok
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(PROBE_SQL)
        yield settings
    finally:
        with contextlib.suppress(Exception):
            server.stop()


def test_a_plain_refresh_outwaits_autovacuum_instead_of_refreshing_concurrently(
    settings: Settings,
) -> None:
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute("REFRESH MATERIALIZED VIEW marts.probe")  # 20,000 rows in: autovacuum's
        conn.execute("SELECT pg_stat_force_next_flush()")
        wait_until(
            lambda: bool(conn.execute(AUTOVACUUM_HOLDS_SQL).fetchone()[0]),
            "autovacuum to hold marts.probe",
        )

        run = refresh_marts(settings, ["probe"], mode=RefreshMode.PLAIN, lock_wait_s=4.0)
    (probe,) = run.views
    assert probe.status is MartStatus.REFRESHED
    assert probe.mode is AppliedMode.PLAIN, probe.mode_reason
