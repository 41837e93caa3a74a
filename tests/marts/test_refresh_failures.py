"""A failed mart skips exactly its descendants; the rest go on; statement timeouts per mart."""

from __future__ import annotations

import pytest

from cfbops.errors import UsageError
from cfbops.marts.models import MartStatus
from cfbops.marts.runner import refresh_marts
from tests.conftest import DatabaseUnderTest, run_cli
from tests.marts.world import ALL_MARTS, make_fragile_fail


def statuses(run) -> dict[str, MartStatus]:
    return {v.name: v.status for v in run.views}


def test_a_failing_mart_skips_exactly_its_descendants(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        make_fragile_fail(conn)
    run = refresh_marts(world.settings, workers=2)
    assert not run.ok
    found = statuses(run)
    assert found.pop("marts.fragile") is MartStatus.FAILED
    assert found.pop("marts.fragile_child") is MartStatus.SKIPPED
    assert set(found.values()) == {MartStatus.REFRESHED}
    assert set(found) == ALL_MARTS - {"marts.fragile", "marts.fragile_child"}


def test_the_failure_and_the_skip_say_why(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        make_fragile_fail(conn)
    views = {v.name: v for v in refresh_marts(world.settings).views}
    assert "fragile was told to fail" in (views["marts.fragile"].error or "")
    assert views["marts.fragile_child"].error == "upstream marts.fragile failed"
    assert views["marts.fragile_child"].mode is None


def test_a_failure_deep_in_a_chain_skips_every_level_below(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        conn.execute(
            """
            CREATE MATERIALIZED VIEW marts.fragile_grandchild AS SELECT n FROM marts.fragile_child;
            CREATE VIEW api.fragile_view AS SELECT n FROM marts.fragile_grandchild;
            CREATE MATERIALIZED VIEW marts.fragile_leaf AS
                SELECT v.n, t.school FROM api.fragile_view v, marts.team_names t;
            """
        )
        make_fragile_fail(conn)
    found = statuses(refresh_marts(world.settings))
    skipped = {name for name, status in found.items() if status is MartStatus.SKIPPED}
    assert skipped == {"marts.fragile_child", "marts.fragile_grandchild", "marts.fragile_leaf"}
    assert found["marts.team_names"] is MartStatus.REFRESHED


def test_a_failed_mart_keeps_its_previous_contents(world: DatabaseUnderTest) -> None:
    refresh_marts(world.settings)
    with world.connect() as conn:
        make_fragile_fail(conn)
    refresh_marts(world.settings)
    with world.connect() as conn:
        assert conn.execute("SELECT count(*) FROM marts.fragile").fetchone() == (1,)


def test_a_mart_over_its_statement_timeout_fails_and_others_go_on(
    world: DatabaseUnderTest,
) -> None:
    with world.connect() as conn:
        conn.execute(
            "CREATE MATERIALIZED VIEW marts.sleepy AS SELECT 1 AS n FROM pg_sleep(2) WITH NO DATA"
        )
        conn.execute("INSERT INTO ops.mart_setting VALUES ('marts.sleepy', '200 ms')")
    run = refresh_marts(world.settings)
    views = {v.name: v for v in run.views}
    assert views["marts.sleepy"].status is MartStatus.FAILED
    assert "statement timeout" in (views["marts.sleepy"].error or "")
    assert (views["marts.sleepy"].duration_ms or 0) < 1500
    assert views["marts.team_names"].status is MartStatus.REFRESHED


def test_the_run_statement_timeout_applies_to_each_mart(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        conn.execute(
            "CREATE MATERIALIZED VIEW marts.sleepy AS SELECT 1 AS n FROM pg_sleep(2) WITH NO DATA"
        )
    run = refresh_marts(world.settings, ["sleepy", "team_names"], statement_timeout="300ms")
    assert statuses(run) == {
        "marts.sleepy": MartStatus.FAILED,
        "marts.team_names": MartStatus.REFRESHED,
    }


def test_a_timeout_postgresql_rejects_is_a_usage_error_before_anything_runs(
    world: DatabaseUnderTest,
) -> None:
    with pytest.raises(UsageError, match="statement timeout 'soon'"):
        refresh_marts(world.settings, statement_timeout="soon")
    with world.connect() as conn:
        assert conn.execute("SELECT count(*) FROM ops.mart_refresh").fetchone() == (0,)


def test_a_database_error_outside_the_marts_is_one_line_with_exit_1(
    world: DatabaseUnderTest,
) -> None:
    with world.connect() as conn:
        conn.execute(
            "CREATE FUNCTION ops.refuse_runs() RETURNS trigger LANGUAGE plpgsql"
            " AS $$ BEGIN RAISE EXCEPTION 'runs are frozen today'; END $$"
        )
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON ops.refresh_run"
            " FOR EACH ROW EXECUTE FUNCTION ops.refuse_runs()"
        )
    result = run_cli("--database-url", world.url, "--headless", "refresh")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "cfbops: error: refresh could not run: runs are frozen today"
    ]
