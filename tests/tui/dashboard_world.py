"""Building the world the dashboard tests look at: ledger calls, refresh runs, check runs,
all through the real tables (and the real engines where there is one)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from textual.pilot import Pilot

from cfbops.cfbd.months import month_of
from cfbops.marts.runner import refresh_marts
from cfbops.quality.session import check_database
from tests.conftest import DatabaseUnderTest

DEADLINE_S = 60.0


async def wait_for(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    """Let the app run until `condition()` holds; a generous deadline for a busy CI machine."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_S
    while not condition():
        if loop.time() > deadline:
            errors = [w.error for w in pilot.app.workers if w.error]
            raise AssertionError(f"gave up waiting for {what} (worker errors: {errors})")
        await pilot.pause(0.05)


def spend_calls(db: DatabaseUnderTest, calls_by_day: dict[datetime, int]) -> int:
    """Record metered CFBD calls in the ledger as the client would have (one reservation per
    day, spent in full); returns how many calls were recorded this month."""
    this_month = 0
    with db.connect() as conn:
        for day, calls in calls_by_day.items():
            month = month_of(day)
            conn.execute(
                "INSERT INTO ops.cfbd_months (month, monthly_limit) VALUES (%s, 75000)"
                " ON CONFLICT DO NOTHING",
                (month,),
            )
            reservation = conn.execute(
                "INSERT INTO ops.cfbd_reservations (month, holder, granted, spent, backend_pid,"
                " backend_start, created_at, released_at)"
                " VALUES (%s, 'test', %s, %s, pg_backend_pid(), now(), %s, %s) RETURNING id",
                (month, calls, calls, day, day + timedelta(minutes=1)),
            ).fetchone()
            assert reservation is not None
            for i in range(calls):
                conn.execute(
                    "INSERT INTO ops.cfbd_calls (reservation_id, called_at, ended_at, endpoint,"
                    " status, outcome, metered) VALUES (%s, %s, %s, '/plays/stats', 200, 'ok',"
                    " true)",
                    (reservation[0], day + timedelta(seconds=i), day + timedelta(seconds=i + 1)),
                )
            if month == month_of(datetime.now(day.tzinfo)):
                this_month += calls
    return this_month


def refresh_twice(db: DatabaseUnderTest) -> None:
    """Two refresh runs through the engine, so every mart has a history to draw."""
    for _ in range(2):
        run = refresh_marts(db.settings)
        assert run.ok, [v.error for v in run.views if v.error]


def run_checks(db: DatabaseUnderTest) -> None:
    check_database(db.settings)
