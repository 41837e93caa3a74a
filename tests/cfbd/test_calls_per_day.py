"""Metered CFBD calls per UTC day, as the console's budget sparkline draws them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cfbops.cfbd.daily import calls_per_day
from tests.conftest import DatabaseUnderTest

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def record_call(conn, at: datetime, *, metered: bool = True) -> None:
    conn.execute(
        "INSERT INTO ops.cfbd_calls (called_at, endpoint, metered) VALUES (%s, '/games', %s)",
        (at, metered),
    )


def test_days_without_calls_count_zero_and_free_calls_do_not_count(db: DatabaseUnderTest):
    with db.connect() as conn:
        for hour in (1, 5, 23):
            record_call(conn, NOW.replace(hour=hour))
        record_call(conn, NOW - timedelta(days=2))
        record_call(conn, NOW - timedelta(days=1), metered=False)  # /info is free
        record_call(conn, NOW + timedelta(days=1))  # after the window
        record_call(conn, NOW - timedelta(days=14))  # before it
        days = calls_per_day(conn, NOW, days=14)
    assert days.last_day == NOW.date()
    assert days.first_day == NOW.date() - timedelta(days=13)
    assert days.counts[-3:] == (1, 0, 3)
    assert days.total == 4


def test_a_day_is_a_utc_day_whatever_the_sessions_time_zone(db: DatabaseUnderTest):
    with db.connect() as conn:
        conn.execute("SET TIME ZONE 'America/Chicago'")
        record_call(conn, NOW.replace(hour=2))  # still the 9th in Chicago
        days = calls_per_day(conn, NOW, days=2)
    assert days.counts == (0, 1)
