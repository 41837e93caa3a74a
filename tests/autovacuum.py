"""A server whose autovacuum comes at once and crawls: for tests of what cfbops does when
autovacuum holds a table it needs (a VACUUM of a large table takes minutes on a real one)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import psycopg

from cfbops.db.embedded import EmbeddedServer
from tests.conftest import TEST_SERVER_SETTINGS
from tests.waits import wait_until

# The launcher looks at each database every second (the default: every minute).
AUTOVACUUM_SETTINGS = {**TEST_SERVER_SETTINGS, "autovacuum_naptime": "1s"}

# Storage parameters (of a table or a materialized view) that bring autovacuum after any
# insert and have it sleep 100 ms after every page it reads.
CRAWLING = """(
    autovacuum_vacuum_insert_threshold = 1, autovacuum_vacuum_insert_scale_factor = 0,
    autovacuum_analyze_threshold = 1, autovacuum_analyze_scale_factor = 0,
    autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1
)"""

AUTOVACUUM_HOLDS_SQL = """
SELECT count(*) > 0 FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid
WHERE l.locktype = 'relation' AND l.relation = %s::regclass AND l.granted
  AND a.backend_type = 'autovacuum worker'
"""


@contextlib.contextmanager
def autovacuum_server(home: Path) -> Iterator[str]:
    """The URL of a scratch embedded server with AUTOVACUUM_SETTINGS, stopped afterwards."""
    server = EmbeddedServer(home, extra_settings=AUTOVACUUM_SETTINGS)
    try:
        yield server.ensure_running().url()
    finally:
        with contextlib.suppress(Exception):
            server.stop()


def wait_for_autovacuum(conn: psycopg.Connection, relation: str) -> None:
    """Return once an autovacuum worker holds a lock on `relation` (flushing this session's
    counters first, so the launcher sees what it wrote)."""
    conn.execute("SELECT pg_stat_force_next_flush()")
    wait_until(
        lambda: bool(conn.execute(AUTOVACUUM_HOLDS_SQL, (relation,)).fetchone()[0]),
        f"autovacuum to hold {relation}",
    )
