"""Metered CFBD calls per UTC day: what the console's budget sparkline draws."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import psycopg

from cfbops.queries import package_sql

DEFAULT_DAYS = 14


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
    by_day = dict(
        conn.execute(
            package_sql("cfbops.cfbd", "calls_per_day"), {"first": first, "last": last}
        ).fetchall()
    )
    counts = tuple(by_day.get(first + timedelta(days=i), 0) for i in range(days))
    return CallsPerDay(last_day=last, counts=counts)
