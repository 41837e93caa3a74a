"""History in ops: one row per mart per run, kept; last refresh; the regression flag."""

from __future__ import annotations

from cfbops.marts.history import ensure_history_schema, last_run
from cfbops.marts.models import MartStatus
from cfbops.marts.runner import refresh_marts
from tests.conftest import DatabaseUnderTest
from tests.marts.world import ALL_MARTS, make_fragile_fail
from tests.migrate_helpers import project_migration

SLOW_MART_SQL = """
CREATE TABLE raw.pause (seconds double precision NOT NULL);
INSERT INTO raw.pause VALUES (0);
CREATE MATERIALIZED VIEW marts.paced AS
    SELECT 1 AS n FROM raw.pause, LATERAL pg_sleep(seconds);
CREATE UNIQUE INDEX ON marts.paced (n);
"""


def test_history_rows_accumulate_one_per_mart_per_run(world: DatabaseUnderTest) -> None:
    runs = [refresh_marts(world.settings).run_id for _ in range(3)]
    assert len(set(runs)) == 3
    with world.connect() as conn:
        counts = conn.execute(
            "SELECT mart, count(*), count(DISTINCT run_id) FROM ops.mart_refresh GROUP BY mart"
        ).fetchall()
        finished = conn.execute(
            "SELECT count(*) FROM ops.refresh_run WHERE status = 'succeeded' AND wall_ms > 0"
        ).fetchone()
    assert {mart for mart, _, _ in counts} == ALL_MARTS
    assert {(n, distinct) for _, n, distinct in counts} == {(3, 3)}
    assert finished == (3,)


def test_a_row_keeps_start_duration_rows_mode_status_and_error(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        make_fragile_fail(conn)
    run = refresh_marts(world.settings)
    with world.connect() as conn:
        rows = conn.execute(
            "SELECT mart, status, mode, started_at IS NOT NULL, duration_ms > 0, rows, error "
            "FROM ops.mart_refresh WHERE run_id = %s",
            (run.run_id,),
        ).fetchall()
        run_status = conn.execute(
            "SELECT status FROM ops.refresh_run WHERE run_id = %s", (run.run_id,)
        ).fetchone()
    by_mart = {row[0]: row[1:] for row in rows}
    assert by_mart["marts.team_names"] == ("refreshed", "concurrent", True, True, 3, None)
    assert by_mart["marts.fragile"][0] == "failed"
    assert "fragile was told to fail" in by_mart["marts.fragile"][5]
    assert by_mart["marts.fragile_child"][0] == "skipped"
    assert run_status == ("failed",)


def test_fresh_marts_of_a_stale_run_are_recorded_too(world: DatabaseUnderTest) -> None:
    refresh_marts(world.settings)
    run = refresh_marts(world.settings, stale_only=True)
    with world.connect() as conn:
        statuses = conn.execute(
            "SELECT DISTINCT status FROM ops.mart_refresh WHERE run_id = %s", (run.run_id,)
        ).fetchall()
    assert statuses == [("fresh",)]


def test_the_last_run_reads_back_what_the_run_reported(world: DatabaseUnderTest) -> None:
    run = refresh_marts(world.settings)
    with world.connect() as conn:
        finished = last_run(conn)
    assert finished is not None and finished.run_id == run.run_id
    assert {(v.name, v.status, v.rows) for v in finished.views} == {
        (v.name, v.status, v.rows) for v in run.views
    }


def test_a_mart_over_twice_its_rolling_median_is_flagged(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        conn.execute(SLOW_MART_SQL)
    quick_ms = []
    for _ in range(3):
        quick = refresh_marts(world.settings, ["paced"]).views[0]
        assert not quick.regression
        quick_ms.append(quick.duration_ms)
    # Paused for three times the slowest quick refresh, the next one takes more than twice
    # their median however busy the machine is.
    pause_s = max(0.3, 3 * max(quick_ms) / 1000)
    with world.connect() as conn:
        conn.execute("UPDATE raw.pause SET seconds = %s", (pause_s,))
    slow = refresh_marts(world.settings, ["paced"]).views[0]
    assert slow.status is MartStatus.REFRESHED
    assert slow.regression
    assert slow.median_ms is not None and slow.duration_ms > 2 * slow.median_ms
    with world.connect() as conn:
        flagged = conn.execute(
            "SELECT regression, samples FROM ops.mart_last_refresh WHERE mart = 'marts.paced'"
        ).fetchone()
    assert flagged == (True, 3)


def test_no_regression_flag_without_three_earlier_refreshes(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        conn.execute(SLOW_MART_SQL)
    refresh_marts(world.settings, ["paced"])
    with world.connect() as conn:
        conn.execute("UPDATE raw.pause SET seconds = 0.2")
    assert not refresh_marts(world.settings, ["paced"]).views[0].regression


def test_a_run_that_died_is_marked_abandoned_by_the_next(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        ensure_history_schema(conn)
        conn.execute("INSERT INTO ops.refresh_run (status) VALUES ('running')")
    refresh_marts(world.settings, ["team_names"])
    with world.connect() as conn:
        statuses = conn.execute("SELECT status FROM ops.refresh_run ORDER BY run_id").fetchall()
    assert statuses == [("abandoned",), ("succeeded",)]


def test_the_history_migration_can_run_again_over_itself(empty_db: DatabaseUnderTest) -> None:
    text = project_migration("V0200__refresh_history.sql")
    with empty_db.connect() as conn:
        conn.execute(text)
        conn.execute("INSERT INTO ops.mart_dependency VALUES ('a.b', 'c.d', NULL)")
        conn.execute(text)
        assert conn.execute("SELECT count(*) FROM ops.mart_dependency").fetchone() == (1,)
        ensure_history_schema(conn)
