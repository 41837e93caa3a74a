"""The dependency graph comes from the catalog: through plain views, plus declared edges."""

from __future__ import annotations

import pytest

from cfbops.errors import OperationFailed
from cfbops.marts.catalog import read_catalog
from cfbops.marts.graph import MartGraph
from tests.conftest import DatabaseUnderTest
from tests.marts.world import ALL_MARTS


def graph_of(db: DatabaseUnderTest) -> MartGraph:
    with db.connect() as conn:
        return MartGraph.from_catalog(read_catalog(conn))


def assert_valid_order(graph: MartGraph, order: tuple[str, ...]) -> None:
    position = {name: i for i, name in enumerate(order)}
    for name in order:
        for upstream in graph.upstream[name]:
            if upstream in position:
                assert position[upstream] < position[name], f"{upstream} after {name}"


def test_every_materialized_view_is_a_node(world: DatabaseUnderTest) -> None:
    assert set(graph_of(world).names) == ALL_MARTS


def test_refresh_order_puts_every_mart_after_the_marts_it_reads(world: DatabaseUnderTest) -> None:
    graph = graph_of(world)
    order = graph.refresh_order()
    assert set(order) == ALL_MARTS
    assert_valid_order(graph, order)


def test_a_mart_reading_a_plain_view_depends_on_the_marts_behind_it(
    world: DatabaseUnderTest,
) -> None:
    graph = graph_of(world)
    assert graph.upstream["marts.game_summary"] == {"marts.game_totals", "marts.play_yards"}


def test_diamond_top_depends_on_both_sides(world: DatabaseUnderTest) -> None:
    graph = graph_of(world)
    assert graph.upstream["marts.season_report"] == {"marts.game_summary", "marts.player_season"}
    assert graph.ancestors("marts.season_report") == {
        "marts.game_summary",
        "marts.game_totals",
        "marts.play_yards",
        "marts.player_season",
        "marts.player_yards",
    }


def test_mart_view_mart_chains_of_any_depth_are_followed(
    empty_db: DatabaseUnderTest,
) -> None:
    with empty_db.connect() as conn:
        conn.execute(
            """
            CREATE TABLE t (id int PRIMARY KEY);
            CREATE MATERIALIZED VIEW z_first AS SELECT id FROM t;
            CREATE VIEW v1 AS SELECT id FROM z_first;
            CREATE VIEW v2 AS SELECT id FROM v1;
            CREATE MATERIALIZED VIEW m_second AS SELECT id FROM v2;
            CREATE VIEW v3 AS SELECT s.id FROM m_second s JOIN v1 USING (id);
            CREATE MATERIALIZED VIEW a_third AS SELECT id FROM v3;
            """
        )
    graph = graph_of(empty_db)
    assert graph.refresh_order() == ("public.z_first", "public.m_second", "public.a_third")
    assert graph.upstream["public.a_third"] == {"public.m_second", "public.z_first"}


def test_marts_in_any_schema_are_included(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        conn.execute(
            "CREATE SCHEMA scouting; "
            "CREATE MATERIALIZED VIEW scouting.player_mart AS SELECT * FROM marts.player_season"
        )
    graph = graph_of(world)
    assert graph.upstream["scouting.player_mart"] == {"marts.player_season"}
    assert graph.refresh_order()[-1] in {"scouting.player_mart", "marts.team_names"}
    assert_valid_order(graph, graph.refresh_order())


def test_declared_edge_adds_an_input_the_catalog_cannot_see(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        inputs = {i.name: i.declared for i in read_catalog(conn).inputs["marts.fragile"]}
    assert inputs == {"raw.flags": True}


def test_declared_edge_between_marts_orders_them(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        conn.execute(
            "INSERT INTO ops.mart_dependency (mart, depends_on) "
            "VALUES ('marts.fragile', 'marts.team_names')"
        )
    graph = graph_of(world)
    order = graph.refresh_order()
    assert order.index("marts.team_names") < order.index("marts.fragile")


def test_declared_edge_naming_a_missing_relation_is_a_warning(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        conn.execute(
            "INSERT INTO ops.mart_dependency (mart, depends_on) "
            "VALUES ('marts.fragile', 'raw.gone')"
        )
        catalog = read_catalog(conn)
    assert any("raw.gone" in w for w in catalog.warnings)
    assert {i.name for i in catalog.inputs["marts.fragile"]} == {"raw.flags"}


def test_declared_cycle_is_refused_naming_the_marts(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        conn.execute(
            "INSERT INTO ops.mart_dependency (mart, depends_on) "
            "VALUES ('marts.fragile', 'marts.fragile_child')"
        )
    with pytest.raises(OperationFailed, match=r"cycle.*marts\.fragile"):
        graph_of(world).refresh_order()


def test_partitioned_source_is_one_input(world: DatabaseUnderTest) -> None:
    with world.connect() as conn:
        inputs = {i.name for i in read_catalog(conn).inputs["marts.play_yards"]}
    assert inputs == {"raw.plays"}
