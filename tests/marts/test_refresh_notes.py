"""What a run's table says about a mart — no noise flagged slow, errors short."""

from __future__ import annotations

import json

from cfbops.marts.history import REGRESSION_FLOOR_MS, ensure_history_schema
from cfbops.marts.runner import refresh_marts
from tests.conftest import DatabaseUnderTest, run_cli
from tests.marts.world import make_fragile_fail

# Three earlier refreshes of 1 ms each: any real refresh is "over twice the median".
TINY_HISTORY_SQL = """
WITH runs AS (
    INSERT INTO ops.refresh_run (status, finished_at)
    SELECT 'succeeded', clock_timestamp() FROM generate_series(1, 3)
    RETURNING run_id
)
INSERT INTO ops.mart_refresh (mart, run_id, status, mode, started_at, duration_ms, rows)
SELECT 'marts.team_names', run_id, 'refreshed', 'concurrent', clock_timestamp(), 1.0, 3
FROM runs
"""


def test_a_mart_faster_than_the_floor_is_never_flagged_slow(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        ensure_history_schema(conn)
        conn.execute(TINY_HISTORY_SQL)
    view = refresh_marts(world.settings, ["team_names"]).views[0]
    assert view.duration_ms is not None and 2.0 < view.duration_ms < REGRESSION_FLOOR_MS
    assert view.regression is False
    status = run_cli("--database-url", world.url, "--headless", "status", "--json")
    assert json.loads(status.stdout)["marts"]["regressions"] == []


def test_a_failed_mart_shows_one_line_in_the_table_and_the_full_error_in_json(
    world: DatabaseUnderTest,
) -> None:
    with world.connect() as conn:
        make_fragile_fail(conn)
    table = run_cli("--database-url", world.url, "--headless", "refresh", "--select", "fragile")
    document = json.loads(
        run_cli(
            "--database-url", world.url, "--headless", "refresh", "--select", "fragile", "--json"
        ).stdout
    )
    row = next(line for line in table.stdout.splitlines() if line.startswith("marts.fragile "))
    assert row.rstrip().endswith("fragile was told to fail")
    assert "PL/pgSQL" not in table.stdout
    error = document["views"][0]["error"]
    assert error.splitlines()[0] == "fragile was told to fail"
    assert "CONTEXT: PL/pgSQL function raw.fragile_rows()" in error
