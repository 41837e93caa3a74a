"""--mode auto refreshes CONCURRENTLY only where PostgreSQL allows it; plain otherwise."""

from __future__ import annotations

import pytest

from cfbops.errors import UsageError
from cfbops.marts.models import AppliedMode, MartStatus, RefreshMode
from cfbops.marts.runner import refresh_marts
from tests.conftest import DatabaseUnderTest
from tests.marts.world import flush_statistics
from tests.waits import wait_until

KINDS_SQL = """
CREATE TABLE src (id int PRIMARY KEY, v int);
INSERT INTO src SELECT g, g % 7 FROM generate_series(1, 50) g;
CREATE MATERIALIZED VIEW m_unique AS SELECT id, v FROM src;
CREATE UNIQUE INDEX ON m_unique (id);
CREATE MATERIALIZED VIEW m_unpopulated AS SELECT id, v FROM src WITH NO DATA;
CREATE UNIQUE INDEX ON m_unpopulated (id);
CREATE MATERIALIZED VIEW m_no_index AS SELECT id, v FROM src;
CREATE MATERIALIZED VIEW m_not_unique AS SELECT id, v FROM src;
CREATE INDEX ON m_not_unique (id);
CREATE MATERIALIZED VIEW m_partial AS SELECT id, v FROM src;
CREATE UNIQUE INDEX ON m_partial (id) WHERE v > 0;
CREATE MATERIALIZED VIEW m_expression AS SELECT id, v FROM src;
CREATE UNIQUE INDEX ON m_expression ((id + 0));
"""


@pytest.fixture
def kinds(empty_db: DatabaseUnderTest) -> DatabaseUnderTest:
    with empty_db.connect() as conn:
        conn.execute(KINDS_SQL)
    return empty_db


def modes(run) -> dict[str, AppliedMode | None]:
    return {v.name.removeprefix("public."): v.mode for v in run.views}


def filenodes(db: DatabaseUnderTest) -> dict[str, int]:
    with db.connect() as conn:
        rows = conn.execute("SELECT relname, relfilenode FROM pg_class WHERE relkind = 'm'")
        return dict(rows.fetchall())


def test_auto_uses_concurrently_only_for_populated_marts_with_a_plain_unique_index(
    kinds: DatabaseUnderTest,
) -> None:
    run = refresh_marts(kinds.settings)
    assert run.ok
    assert modes(run) == {
        "m_unique": AppliedMode.CONCURRENT,
        "m_unpopulated": AppliedMode.PLAIN,
        "m_no_index": AppliedMode.PLAIN,
        "m_not_unique": AppliedMode.PLAIN,
        "m_partial": AppliedMode.PLAIN,
        "m_expression": AppliedMode.PLAIN,
    }


def test_a_concurrent_refresh_keeps_the_relation_and_a_plain_one_replaces_it(
    kinds: DatabaseUnderTest,
) -> None:
    before = filenodes(kinds)
    refresh_marts(kinds.settings)
    after = filenodes(kinds)
    assert after["m_unique"] == before["m_unique"]
    assert after["m_no_index"] != before["m_no_index"]


def test_an_unpopulated_mart_is_refreshed_concurrently_once_populated(
    kinds: DatabaseUnderTest,
) -> None:
    refresh_marts(kinds.settings, ["m_unpopulated"])
    assert modes(refresh_marts(kinds.settings, ["m_unpopulated"])) == {
        "m_unpopulated": AppliedMode.CONCURRENT
    }


def test_plain_mode_never_uses_concurrently(kinds: DatabaseUnderTest) -> None:
    run = refresh_marts(kinds.settings, mode=RefreshMode.PLAIN)
    assert set(modes(run).values()) == {AppliedMode.PLAIN}


def test_concurrent_mode_refuses_marts_that_cannot_be_refreshed_concurrently(
    kinds: DatabaseUnderTest,
) -> None:
    with pytest.raises(UsageError) as caught:
        refresh_marts(kinds.settings, mode=RefreshMode.CONCURRENT)
    message = str(caught.value)
    assert "public.m_unpopulated (not populated yet)" in message
    assert "public.m_partial (no unique index" in message
    assert "public.m_unique" not in message
    with kinds.connect() as conn:
        assert conn.execute("SELECT count(*) FROM ops.mart_refresh").fetchone() == (0,)


def test_concurrent_mode_refreshes_marts_that_allow_it(kinds: DatabaseUnderTest) -> None:
    run = refresh_marts(kinds.settings, ["m_unique"], mode=RefreshMode.CONCURRENT)
    assert [(v.status, v.mode) for v in run.views] == [
        (MartStatus.REFRESHED, AppliedMode.CONCURRENT)
    ]


def test_each_refresh_is_followed_by_analyze(kinds: DatabaseUnderTest) -> None:
    run = refresh_marts(kinds.settings, ["m_no_index"])
    with kinds.connect() as conn:
        analyzed = conn.execute(
            "SELECT last_analyze IS NOT NULL, analyze_count FROM pg_stat_user_tables "
            "WHERE relname = 'm_no_index'"
        ).fetchone()
    assert analyzed is not None and analyzed[0] and analyzed[1] >= 1
    assert run.views[0].rows == 50


def analyze_counts(db: DatabaseUnderTest) -> dict[str, int]:
    with db.connect() as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        rows = conn.execute(
            "SELECT relname, analyze_count FROM pg_stat_user_tables WHERE schemaname = 'marts'"
        )
        return dict(rows.fetchall())


def test_a_mart_read_from_unchanged_inputs_is_not_analyzed_again(world: DatabaseUnderTest) -> None:
    refresh_marts(world.settings)
    wait_until(lambda: analyze_counts(world).get("play_yards", 0) >= 1, "the first ANALYZE")
    before = analyze_counts(world)
    with world.connect() as conn:
        conn.execute("INSERT INTO raw.teams VALUES (4, 'D')")
        flush_statistics(conn)

    run = refresh_marts(world.settings)

    wait_until(lambda: analyze_counts(world)["team_names"] > before["team_names"], "an ANALYZE")
    after = analyze_counts(world)
    assert after["play_yards"] == before["play_yards"]  # same inputs, same contents
    assert {v.name: v.rows for v in run.views}["marts.team_names"] == 4
    assert {v.name: v.rows for v in run.views}["marts.play_yards"] == 3  # as last counted
