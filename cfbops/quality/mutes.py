"""Muting a known finding, and lifting the mute, on their own (the console's finding screen;
`check --mute` does the first with a run). A mute is a row of ops.check_mute, the newest row
of a check wins; lifting one adds a row that ended yesterday, so the history keeps both."""

from __future__ import annotations

from datetime import date

import psycopg

from cfbops.config import Settings
from cfbops.db.connect import connect, one_line_database_errors, require_writable
from cfbops.errors import UsageError
from cfbops.quality.history import Mute, add_mute, ensure_history_schema, history_exists
from cfbops.quality.registry import require_check

UNMUTED_REASON = "unmuted"

CURRENT_MUTE_SQL = """
SELECT until, reason FROM ops.check_mute WHERE check_name = %s ORDER BY mute_id DESC LIMIT 1
"""


def mute_check(settings: Settings, check: str, until: date, reason: str) -> Mute:
    """Mute `check` until `until` (inclusive) for `reason`; UsageError (exit 2) for a check
    that does not exist, a blank reason or a day already past."""
    require_check(check)
    if not reason.strip():
        raise UsageError("the reason is empty; say why the check is muted")
    if until < date.today():
        raise UsageError(f"{until.isoformat()} is in the past; give the last day to mute")
    require_writable(settings, "muting a check")
    with (
        one_line_database_errors("the mute could not be stored"),
        connect(settings, application_name="cfbops check --mute") as conn,
    ):
        ensure_history_schema(conn)
        return add_mute(conn, check, until, reason.strip())


def unmute_check(settings: Settings, check: str) -> Mute | None:
    """Lift `check`'s mute; the mute it lifted, or None when none stood."""
    require_check(check)
    require_writable(settings, "unmuting a check")
    with (
        one_line_database_errors("the mute could not be lifted"),
        connect(settings, application_name="cfbops check --unmute") as conn,
    ):
        current = current_mute(conn, check)
        if current is not None:
            conn.execute(
                "INSERT INTO ops.check_mute (check_name, until, reason)"
                " VALUES (%s, current_date - 1, %s)",
                (check, UNMUTED_REASON),
            )
        return current


def current_mute(conn: psycopg.Connection, check: str) -> Mute | None:
    """The mute standing on `check` today, if any (read-only)."""
    if not history_exists(conn):
        return None
    row = conn.execute(CURRENT_MUTE_SQL, (check,)).fetchone()
    if row is None or row[0] < date.today():
        return None
    return Mute(check, row[0], row[1])
