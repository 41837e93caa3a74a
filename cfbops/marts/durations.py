"""Each mart's recent refresh durations, oldest first: the console's per-mart sparkline."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

RECENT_REFRESHES = 10

RECENT_DURATIONS_SQL = """
SELECT mart, array_agg(duration_ms ORDER BY run_id)
FROM (
    SELECT mart, run_id, duration_ms,
           row_number() OVER (PARTITION BY mart ORDER BY run_id DESC) AS age
    FROM ops.mart_refresh
    WHERE status = 'refreshed' AND duration_ms IS NOT NULL
) AS recent
WHERE age <= %s
GROUP BY mart
"""


@dataclass(frozen=True, slots=True)
class MartDurations:
    """One mart's last successful refresh times in milliseconds, oldest first."""

    mart: str
    durations_ms: tuple[float, ...]


def recent_durations(
    conn: psycopg.Connection, per_mart: int = RECENT_REFRESHES
) -> dict[str, MartDurations]:
    """Read-only; empty before cfbops has refreshed anything (or has no history table)."""
    exists = conn.execute("SELECT to_regclass('ops.mart_refresh') IS NOT NULL").fetchone()
    if not (exists and exists[0]):
        return {}
    rows = conn.execute(RECENT_DURATIONS_SQL, (per_mart,)).fetchall()
    return {mart: MartDurations(mart, tuple(times)) for mart, times in rows}
