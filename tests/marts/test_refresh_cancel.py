"""A refresh cancelled from another thread (the console's cancel key): its REFRESH statements
are cancelled in the server, its sessions end, and the run is recorded 'cancelled'. While it
runs, another session reads its k/N and the mart in hand."""

from __future__ import annotations

import threading

import pytest

from cfbops.db.cancel import Cancellation
from cfbops.errors import OperationCancelled
from cfbops.marts.runner import refresh_marts
from cfbops.marts.runs import recent_runs
from tests.conftest import DatabaseUnderTest
from tests.waits import wait_until

# Refreshing this mart takes ten minutes: only the cancel ends it within a test.
STALLED_SQL = (
    "CREATE MATERIALIZED VIEW marts.stalled AS SELECT 1 AS n FROM pg_sleep(600) WITH NO DATA"
)
STALLED_REFRESHES_SQL = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND state = 'active' AND query ILIKE 'REFRESH MATERIALIZED VIEW%%stalled%%'"
)
REFRESH_SESSIONS_SQL = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND application_name LIKE 'cfbops refresh%%'"
)


def _count(db: DatabaseUnderTest, query: str) -> int:
    with db.connect() as conn:
        row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0


def _stalled_refresh(
    world: DatabaseUnderTest, selection: list[str]
) -> tuple[threading.Thread, Cancellation, list[BaseException | None]]:
    """A refresh of `selection` in a thread, returned once its REFRESH of marts.stalled runs."""
    with world.connect() as conn:
        conn.execute(STALLED_SQL)
    cancellation = Cancellation("the refresh")
    ended: list[BaseException | None] = []

    def run() -> None:
        try:
            refresh_marts(world.settings, selection, cancellation=cancellation)
            ended.append(None)
        except BaseException as exc:
            ended.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    wait_until(lambda: _count(world, STALLED_REFRESHES_SQL) == 1, "the REFRESH to run")
    return thread, cancellation, ended


def test_a_cancelled_refresh_ends_its_backends_and_is_recorded_cancelled(
    world: DatabaseUnderTest,
) -> None:
    thread, cancellation, ended = _stalled_refresh(world, ["marts.stalled"])
    sent = cancellation.cancel(world.settings)
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert sent  # the worker's backend was sent pg_cancel_backend
    assert len(ended) == 1 and isinstance(ended[0], OperationCancelled)
    wait_until(lambda: _count(world, REFRESH_SESSIONS_SQL) == 0, "the refresh's sessions to end")
    with world.connect() as conn:
        status, planned, recorded = conn.execute(
            "SELECT status, planned, (SELECT count(*) FROM ops.mart_refresh m"
            " WHERE m.run_id = r.run_id) FROM ops.refresh_run r ORDER BY run_id DESC LIMIT 1"
        ).fetchone()
    assert (status, planned, recorded) == ("cancelled", 1, 0)


def test_a_cancel_asked_before_the_lock_is_taken_stops_the_refresh_before_it_starts(
    world: DatabaseUnderTest,
) -> None:
    cancellation = Cancellation("the refresh")
    cancellation.cancel(world.settings)
    with pytest.raises(OperationCancelled):
        refresh_marts(world.settings, cancellation=cancellation)
    assert _count(world, "SELECT count(*) FROM ops.refresh_run") == 0


def test_another_sessions_running_refresh_reads_with_its_count_and_the_mart_in_hand(
    world: DatabaseUnderTest,
) -> None:
    thread, cancellation, _ = _stalled_refresh(world, [])
    try:
        with world.connect() as conn:
            running = recent_runs(conn).running
            planned = conn.execute("SELECT count(*) FROM pg_matviews").fetchone()[0]
    finally:
        cancellation.cancel(world.settings)
        thread.join(timeout=60)
    assert running is not None and running.planned == planned
    assert "marts.stalled" in running.refreshing
    assert f"/{planned} marts, refreshing " in running.describe()
