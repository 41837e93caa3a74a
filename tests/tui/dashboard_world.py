"""Building the world the dashboard tests look at: ledger calls, refresh runs, check runs,
all through the real tables (and the real engines where there is one)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import psycopg
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


def _spent_block(
    conn: psycopg.Connection,
    month: date,
    calls: int,
    made_at: datetime | None = None,
    released_at: datetime | None = None,
) -> int:
    """A reservation of `month` granted and spent in full (the month's row made first);
    its id. Made and released now unless told."""
    conn.execute(
        "INSERT INTO ops.cfbd_months (month, monthly_limit) VALUES (%s, 75000)"
        " ON CONFLICT DO NOTHING",
        (month,),
    )
    reservation = conn.execute(
        "INSERT INTO ops.cfbd_reservations (month, holder, granted, spent, backend_pid,"
        " backend_start, created_at, released_at) VALUES (%s, 'test', %s, %s,"
        " pg_backend_pid(), now(), coalesce(%s, now()), coalesce(%s, now())) RETURNING id",
        (month, calls, calls, made_at, released_at),
    ).fetchone()
    assert reservation is not None
    return reservation[0]


def spend_calls(db: DatabaseUnderTest, calls_by_day: dict[datetime, int]) -> int:
    """Record metered CFBD calls in the ledger as the client would have (one reservation per
    day, spent in full); returns how many calls were recorded this month."""
    this_month = 0
    with db.connect() as conn:
        for day, calls in calls_by_day.items():
            month = month_of(day)
            reservation = _spent_block(conn, month, calls, day, day + timedelta(minutes=1))
            conn.execute(
                "INSERT INTO ops.cfbd_calls (reservation_id, called_at, ended_at, endpoint,"
                " status, outcome, metered) SELECT %s, %s + (g - 1) * interval '1 second',"
                " %s + g * interval '1 second', '/plays/stats', 200, 'ok', true"
                " FROM generate_series(1, %s) AS g",
                (reservation, day, day, calls),
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


# Data-only checks: their findings follow from the deterministic seed (health checks such as
# stale statistics depend on autovacuum's timing, so they stay out of the pictures).
STABLE_CHECKS = (
    "duplicate_school_names",
    "unknown_positions",
    "recruits_unknown_school",
    "completed_games_null_scores",
    "game_havoc_coverage",
    "play_stats_coverage",
)


def spend_calls_this_month(db: DatabaseUnderTest, counts: list[int], now: datetime) -> None:
    """One reservation of this month spent across the last len(counts) days (a long backfill
    drawing on one block), so the meter and the per-day counts hold on any date."""
    with db.connect() as conn:
        reservation = _spent_block(conn, month_of(now), sum(counts))
        today = now.replace(hour=0, minute=1, second=0, microsecond=0)
        for back, calls in enumerate(reversed(counts)):
            day = today - timedelta(days=back)
            conn.execute(
                "INSERT INTO ops.cfbd_calls (reservation_id, called_at, ended_at, endpoint,"
                " status, outcome, metered) SELECT %s, %s + g * interval '1 second',"
                " %s + g * interval '1 second', '/plays/stats', 200, 'ok', true"
                " FROM generate_series(1, %s) AS g",
                (reservation, day, day, calls),
            )


def part_done_backfill(db: DatabaseUnderTest) -> None:
    with db.connect() as conn:
        job = conn.execute(
            "INSERT INTO ops.backfill_jobs (kind, first_season, last_season)"
            " VALUES ('play-stats', 2024, 2025) RETURNING id"
        ).fetchone()
        assert job is not None
        conn.execute(
            "INSERT INTO ops.backfill_items (kind, job_id, item_key, season, state,"
            " calls_used, finished_at) SELECT 'play-stats', %s, g, 2025, CASE WHEN g <= 40 THEN 'done' ELSE 'pending' END,"
            " CASE WHEN g <= 40 THEN 1 ELSE 0 END, CASE WHEN g <= 40 THEN now() END"
            " FROM generate_series(1, 120) AS g",
            (job[0],),
        )


def busy_world(db: DatabaseUnderTest) -> None:
    """The seeded database after some use: two refreshes, calls, a backfill, a check run."""
    refresh_twice(db)
    spend_calls_this_month(
        db, [40, 0, 120, 300, 80, 0, 0, 260, 410, 90, 0, 35, 500, 40], datetime.now(UTC)
    )
    part_done_backfill(db)
    check_database(db.settings, STABLE_CHECKS)
