"""--workers N: independent marts at once on separate connections, each as soon as it is ready."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from cfbops.errors import UsageError
from cfbops.marts.models import MartResult, MartStatus
from cfbops.marts.runner import refresh_marts
from tests.conftest import DatabaseUnderTest

#  slow_a (0.8s) ─► after_a          slow_b (0.8s)          quick ─► after_quick
PACED_SQL = """
CREATE TABLE src (n int PRIMARY KEY);
INSERT INTO src VALUES (1);
CREATE MATERIALIZED VIEW slow_a AS SELECT n FROM src, pg_sleep(0.8) WITH NO DATA;
CREATE MATERIALIZED VIEW slow_b AS SELECT n FROM src, pg_sleep(0.8) WITH NO DATA;
CREATE MATERIALIZED VIEW after_a AS SELECT n FROM slow_a WITH NO DATA;
CREATE MATERIALIZED VIEW quick AS SELECT n FROM src;
CREATE MATERIALIZED VIEW after_quick AS SELECT n FROM quick;
"""


@pytest.fixture
def paced(empty_db: DatabaseUnderTest) -> DatabaseUnderTest:
    with empty_db.connect() as conn:
        conn.execute(PACED_SQL)
    return empty_db


def span(view: MartResult) -> tuple:
    assert view.started_at is not None and view.duration_ms is not None
    return view.started_at, view.started_at + timedelta(milliseconds=view.duration_ms)


def test_two_workers_refresh_independent_marts_at_the_same_time(paced: DatabaseUnderTest) -> None:
    run = refresh_marts(paced.settings, workers=2)
    views = {v.name.removeprefix("public."): v for v in run.views}
    assert run.ok
    a_start, a_end = span(views["slow_a"])
    b_start, b_end = span(views["slow_b"])
    assert a_start < b_end and b_start < a_end


def test_a_mart_starts_only_after_the_marts_it_reads_are_done(paced: DatabaseUnderTest) -> None:
    run = refresh_marts(paced.settings, workers=3)
    views = {v.name.removeprefix("public."): v for v in run.views}
    assert views["after_a"].started_at >= span(views["slow_a"])[1]
    assert views["after_quick"].started_at >= span(views["quick"])[1]


def test_a_mart_starts_only_after_the_marts_it_reads_are_analyzed(
    paced: DatabaseUnderTest,
) -> None:
    run = refresh_marts(paced.settings, workers=2)
    views = {v.name.removeprefix("public."): v for v in run.views}
    with paced.connect() as conn:
        analyzed = conn.execute(
            "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'slow_a'"
        ).fetchone()
    assert analyzed is not None and analyzed[0] is not None
    assert views["after_a"].started_at >= analyzed[0]
    assert views["slow_a"].analyze_ms is not None


def test_a_ready_mart_does_not_wait_for_an_unrelated_slow_one(paced: DatabaseUnderTest) -> None:
    # Not layer by layer: after_quick (layer 2) starts while slow_b (layer 1) still runs.
    run = refresh_marts(paced.settings, workers=3)
    views = {v.name.removeprefix("public."): v for v in run.views}
    assert views["after_quick"].started_at < span(views["slow_b"])[1]


def test_each_worker_uses_its_own_connection(paced: DatabaseUnderTest) -> None:
    thread = threading.Thread(
        target=refresh_marts, args=(paced.settings, ["slow_a", "slow_b"]), kwargs={"workers": 2}
    )
    thread.start()
    busy: set[int] = set()
    with paced.connect() as conn:
        deadline = time.monotonic() + 5
        while len(busy) < 2 and time.monotonic() < deadline:
            busy |= {
                pid
                for (pid,) in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE state = 'active' "
                    "AND application_name = 'cfbops refresh worker' "
                    "AND query LIKE 'REFRESH MATERIALIZED VIEW%'"
                )
            }
            time.sleep(0.05)
    thread.join()
    assert len(busy) == 2


def test_more_workers_than_marts_is_fine(paced: DatabaseUnderTest) -> None:
    run = refresh_marts(paced.settings, ["quick"], workers=8)
    assert [v.status for v in run.views] == [MartStatus.REFRESHED]


def test_zero_workers_is_a_usage_error(paced: DatabaseUnderTest) -> None:
    with pytest.raises(UsageError, match="--workers"):
        refresh_marts(paced.settings, workers=0)
