"""Metered CFBD calls per UTC day: what the console's budget sparkline draws."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import psycopg

DEFAULT_DAYS = 14

# Metered calls only: /info is free and must not make a day look busy.
CALLS_PER_DAY_SQL = """
SELECT (called_at AT TIME ZONE 'UTC')::date AS day, count(*)::int
FROM ops.cfbd_calls
WHERE metered AND called_at >= %(first)s::date AT TIME ZONE 'UTC'
  AND called_at < (%(last)s::date + 1) AT TIME ZONE 'UTC'
GROUP BY day
"""


@dataclass(frozen=True, slots=True)
class CallsPerDay:
    """Calls on each of `len(counts)` consecutive UTC days ending `last_day` (zeros kept)."""

    last_day: date
    counts: tuple[int, ...]

    @property
    def first_day(self) -> date:
        return self.last_day - timedelta(days=len(self.counts) - 1)

    @property
    def total(self) -> int:
        return sum(self.counts)


def calls_per_day(conn: psycopg.Connection, now: datetime, days: int = DEFAULT_DAYS) -> CallsPerDay:
    """Read-only: the last `days` UTC days up to and including `now`'s."""
    last = now.astimezone(UTC).date()
    first = last - timedelta(days=days - 1)
    by_day = dict(conn.execute(CALLS_PER_DAY_SQL, {"first": first, "last": last}).fetchall())
    counts = tuple(by_day.get(first + timedelta(days=i), 0) for i in range(days))
    return CallsPerDay(last_day=last, counts=counts)
