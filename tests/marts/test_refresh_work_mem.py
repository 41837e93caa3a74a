"""A mart's own work_mem (ops.mart_setting) holds for its refresh, and for it alone."""

from __future__ import annotations

import psycopg
import pytest

from cfbops.marts.models import MartStatus
from cfbops.marts.runner import refresh_marts
from tests.conftest import DatabaseUnderTest
from tests.migrate_helpers import project_migration

WORK_MEM_MIGRATION = "V0270__mart_setting_work_mem.sql"


@pytest.fixture
def world(world: DatabaseUnderTest) -> DatabaseUnderTest:
    """The test warehouse with ops.mart_setting as `migrate` leaves it (work_mem included)."""
    with world.connect() as conn:
        conn.execute(project_migration(WORK_MEM_MIGRATION))
    return world


def test_a_marts_work_mem_holds_for_its_refresh_only(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        server_default = conn.execute("SHOW work_mem").fetchone()[0]
        assert server_default != "77MB"
        # Each mart records the work_mem its refresh ran with.
        conn.execute(
            "CREATE MATERIALIZED VIEW marts.memory_a AS"
            " SELECT current_setting('work_mem') AS work_mem;"
            " CREATE MATERIALIZED VIEW marts.memory_b AS"
            " SELECT current_setting('work_mem') AS work_mem;"
            " INSERT INTO ops.mart_setting (mart, work_mem) VALUES ('marts.memory_a', '77MB')"
        )

    run = refresh_marts(world.settings, ["memory_a", "memory_b"], workers=1)

    assert {v.name: v.status for v in run.views} == {
        "marts.memory_a": MartStatus.REFRESHED,
        "marts.memory_b": MartStatus.REFRESHED,
    }
    with world.connect() as conn:
        assert conn.execute("SELECT work_mem FROM marts.memory_a").fetchone() == ("77MB",)
        # refreshed after it on the same connection: back to the server's
        assert conn.execute("SELECT work_mem FROM marts.memory_b").fetchone() == (server_default,)


@pytest.mark.parametrize("value", ["256 MB", "lots", "0MB", "-1MB", "256mb"])
def test_a_work_mem_not_in_postgresqls_form_is_refused_when_written(
    world: DatabaseUnderTest, value: str
) -> None:
    with world.connect() as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "INSERT INTO ops.mart_setting (mart, work_mem) VALUES ('marts.team_names', %s)",
            (value,),
        )
