"""Short lock tries against autovacuum: PostgreSQL cancels an autovacuum worker (one not
preventing wraparound) that blocks a lock request once that request has waited
`deadlock_timeout`. A try that gives up after tens of milliseconds never gets there, so
against a VACUUM or ANALYZE of a large table (minutes, with its cost delays) every try
fails. When autovacuum alone holds the relation, the next try waits just past
`deadlock_timeout` instead: the worker is cancelled and the lock granted."""

from __future__ import annotations

import psycopg

AUTOVACUUM_WORKER = "autovacuum worker"  # pg_stat_activity.backend_type
DEADLOCK_TIMEOUT_SQL = (
    "SELECT setting::int FROM pg_catalog.pg_settings WHERE name = 'deadlock_timeout'"
)
# Granted locks on the relation held by other sessions: how many, and how many of them are
# autovacuum workers.
HOLDERS_SQL = f"""
SELECT count(*) FILTER (WHERE a.backend_type = '{AUTOVACUUM_WORKER}'), count(*)
FROM pg_catalog.pg_locks AS l
JOIN pg_catalog.pg_stat_activity AS a ON a.pid = l.pid
WHERE l.locktype = 'relation' AND l.relation = %s AND l.granted
  AND l.pid <> pg_catalog.pg_backend_pid()
"""
# How much longer than deadlock_timeout the try waits: the cancel and the worker's exit.
MARGIN_MS = 1000


def outwaiting_ms(conn: psycopg.Connection) -> int:
    """A lock timeout (ms) long enough for PostgreSQL to cancel an autovacuum in the way."""
    row = conn.execute(DEADLOCK_TIMEOUT_SQL).fetchone()
    return (int(row[0]) if row else 1000) + MARGIN_MS


def outwaiting_autovacuum_ms(conn: psycopg.Connection, relation: int) -> int | None:
    """A lock timeout (ms) that outwaits autovacuum on `relation` when it alone holds the
    relation; None when another session holds it too (or nobody does any more)."""
    row = conn.execute(HOLDERS_SQL, (relation,)).fetchone()
    if row is None:
        return None
    autovacuum, holders = row
    if holders == 0 or autovacuum < holders:
        return None
    return outwaiting_ms(conn)
