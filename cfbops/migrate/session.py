"""Each migration file starts from the session cfbops prepared, whatever the file before set.

A plain `SET search_path = nfl` (or `SET statement_timeout`, `SET ROLE`) lasts for the rest
of the session, and every file of a run shares one: without a reset, the next file's
unqualified table lands in `nfl`. After each file, the session goes back to what cfbops
set before the first one (as DISCARD ALL would, keeping the advisory lock it holds).
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

# What cfbops itself SET on the session (lock_timeout, statement_timeout, …), in base units.
_SESSION_SETTINGS_SQL = "SELECT name, setting FROM pg_settings WHERE source = 'session'"


@dataclass(frozen=True, slots=True)
class SessionBaseline:
    """The session settings to return to after each file."""

    settings: tuple[tuple[str, str], ...]


def capture_session(conn: psycopg.Connection) -> SessionBaseline:
    """The session as it stands now, before any file ran."""
    return SessionBaseline(tuple(conn.execute(_SESSION_SETTINGS_SQL).fetchall()))


def restore_session(conn: psycopg.Connection, baseline: SessionBaseline) -> None:
    """Undo whatever a file SET for the session; inside the file's transaction, so a file
    that rolls back leaves the session as it was anyway."""
    conn.execute("SET SESSION AUTHORIZATION DEFAULT")  # also ends a SET ROLE
    conn.execute("RESET ALL")
    for name, value in baseline.settings:
        conn.execute("SELECT set_config(%s, %s, false)", (name, value))
