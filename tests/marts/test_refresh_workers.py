"""--workers N: independent marts at once on separate connections, each as soon as it is ready."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from cfbops.config import Settings
from cfbops.errors import UsageError
from cfbops.marts.models import MartResult, MartStatus, RefreshRun
from cfbops.marts.runner import refresh_marts
from cfbops.progress import Progress
from tests.conftest import DatabaseUnderTest
from tests.waits import DEADLINE_S, GATE_SQL, gate_closed, wait_at_the_gate

# slow_a and slow_b pass a gate: a shared advisory lock the test can hold exclusively, so
# they stay inside their refresh exactly as long as the test needs (no clock involved).
#  slow_a (gated) ─► after_a          slow_b (gated)          quick ─► after_quick
PACED_SQL = f"""
CREATE TABLE src (n int PRIMARY KEY);
INSERT INTO src VALUES (1);
CREATE MATERIALIZED VIEW slow_a AS SELECT n FROM src, LATERAL ({GATE_SQL}) AS gate WITH NO DATA;
CREATE MATERIALIZED VIEW slow_b AS SELECT n FROM src, LATERAL ({GATE_SQL}) AS gate WITH NO DATA;
CREATE MATERIALIZED VIEW after_a AS SELECT n FROM slow_a WITH NO DATA;
CREATE MATERIALIZED VIEW quick AS SELECT n FROM src;
CREATE MATERIALIZED VIEW after_quick AS SELECT n FROM quick;
"""


@pytest.fixture
def paced(empty_db: DatabaseUnderTest) -> DatabaseUnderTest:
    with empty_db.connect() as conn:
        conn.execute(PACED_SQL)
    return empty_db


class Background:
    """refresh_marts on another thread: its run, or what it raised, and its progress."""

    def __init__(self, settings: Settings, *args: object, **kwargs: object) -> None:
        self.runs: list[RefreshRun] = []
        self.failures: list[BaseException] = []
        self.finished: list[str] = []
        self.progressed = threading.Condition()
        self.thread = threading.Thread(target=self._run, args=(settings, *args), kwargs=kwargs)
        self.thread.start()

    def _run(self, settings: Settings, *args: object, **kwargs: object) -> None:
        try:
            self.runs.append(refresh_marts(settings, *args, progress=self._note, **kwargs))
        except BaseException as exc:  # surfaced by result()
            self.failures.append(exc)

    def _note(self, progress: Progress) -> None:
        with self.progressed:
            self.finished.append(progress.message)
            self.progressed.notify_all()

    def wait_for_finished(self, mart: str) -> None:
        with self.progressed:
            seen = self.progressed.wait_for(
                lambda: any(mart in message for message in self.finished), DEADLINE_S
            )
        assert seen, f"gave up waiting for {mart} to finish"

    def result(self) -> RefreshRun:
        self.thread.join(DEADLINE_S)
        assert not self.failures
        (run,) = self.runs
        return run


def views_of(run: RefreshRun) -> dict[str, MartResult]:
    return {v.name.removeprefix("public."): v for v in run.views}


def span(view: MartResult) -> tuple:
    assert view.started_at is not None and view.duration_ms is not None
    return view.started_at, view.started_at + timedelta(milliseconds=view.duration_ms)


def test_two_workers_refresh_independent_marts_at_the_same_time(paced: DatabaseUnderTest) -> None:
    with gate_closed(paced) as gate:
        refresh = Background(paced.settings, ["slow_a", "slow_b"], workers=2)
        wait_at_the_gate(gate, 2)  # both slow marts are refreshing at this moment
    run = refresh.result()
    views = views_of(run)
    assert run.ok
    a_start, a_end = span(views["slow_a"])
    b_start, b_end = span(views["slow_b"])
    assert a_start < b_end and b_start < a_end


def test_a_mart_starts_only_after_the_marts_it_reads_are_done(paced: DatabaseUnderTest) -> None:
    with gate_closed(paced) as gate:
        refresh = Background(paced.settings, workers=3)
        # A worker is free while slow_a is held: after_a must still wait for it.
        refresh.wait_for_finished("after_quick")
        wait_at_the_gate(gate, 2)
    views = views_of(refresh.result())
    assert views["after_a"].started_at >= span(views["slow_a"])[1]
    assert views["after_quick"].started_at >= span(views["quick"])[1]


def test_a_mart_starts_only_after_the_marts_it_reads_are_analyzed(
    paced: DatabaseUnderTest,
) -> None:
    run = refresh_marts(paced.settings, workers=2)
    views = views_of(run)
    with paced.connect() as conn:
        analyzed = conn.execute(
            "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'slow_a'"
        ).fetchone()
    assert analyzed is not None and analyzed[0] is not None
    assert views["after_a"].started_at >= analyzed[0]
    assert views["slow_a"].analyze_ms is not None


def test_a_ready_mart_does_not_wait_for_an_unrelated_slow_one(paced: DatabaseUnderTest) -> None:
    # Not layer by layer: after_quick (layer 2) is done while slow_b (layer 1) still runs.
    with gate_closed(paced) as gate:
        refresh = Background(paced.settings, workers=3)
        refresh.wait_for_finished("after_quick")
        wait_at_the_gate(gate, 2)
    views = views_of(refresh.result())
    assert views["after_quick"].started_at < span(views["slow_b"])[1]


def test_each_worker_uses_its_own_connection(paced: DatabaseUnderTest) -> None:
    with gate_closed(paced) as gate:
        refresh = Background(paced.settings, ["slow_a", "slow_b"], workers=2)
        busy = wait_at_the_gate(gate, 2)
        names = gate.execute(
            "SELECT DISTINCT application_name FROM pg_stat_activity WHERE pid = ANY(%s)",
            (list(busy),),
        ).fetchall()
    assert names == [("cfbops refresh worker",)]
    assert refresh.result().ok
    assert len(busy) == 2


def test_more_workers_than_marts_is_fine(paced: DatabaseUnderTest) -> None:
    run = refresh_marts(paced.settings, ["quick"], workers=8)
    assert [v.status for v in run.views] == [MartStatus.REFRESHED]


def test_zero_workers_is_a_usage_error(paced: DatabaseUnderTest) -> None:
    with pytest.raises(UsageError, match="--workers"):
        refresh_marts(paced.settings, workers=0)
