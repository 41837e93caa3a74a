"""The warehouse's own 23 marts (materialized views in several layers), as the migrated template holds them."""

from __future__ import annotations

from cfbops.marts.catalog import read_catalog
from cfbops.marts.graph import MartGraph
from cfbops.marts.models import MartStatus
from cfbops.marts.runner import refresh_marts
from tests.conftest import DatabaseUnderTest

# Mart → the marts it reads, layer by layer (raw inputs left out).
WAREHOUSE_UPSTREAM: dict[str, set[str]] = {
    "marts._game_epa_calc": set(),
    "marts.play_epa": set(),
    "marts.team_season_summary": set(),
    "marts.matchup_history": set(),
    "marts.recruiting_class": set(),
    "marts.coach_record": set(),
    "marts.scoring_opportunities": set(),
    "marts.defensive_havoc": set(),
    "marts.situational_splits": set(),
    "marts.team_epa_season": {"marts._game_epa_calc"},
    "marts.play_credits": {"marts.play_epa"},
    "marts.player_game_epa": {"marts.play_credits"},
    "marts.athlete_game_epa": {"marts.play_credits"},
    "marts.team_situation_splits": set(),
    "marts.team_style_profile": {"marts.play_epa"},
    "marts.team_talent_composite": set(),
    "marts.player_season_epa": {"marts.player_game_epa"},
    "marts.athlete_season_epa": {"marts.athlete_game_epa"},
    "marts.team_tempo_metrics": {"marts.team_epa_season"},
    "marts.conference_era_summary": {"marts.team_epa_season"},
    "marts.team_season_trajectory": {"marts.team_epa_season", "marts.team_season_summary"},
    "marts.matchup_edges": {"marts.team_style_profile"},
    "scouting.player_mart": {"marts.athlete_season_epa"},
}


def warehouse_graph(db: DatabaseUnderTest) -> MartGraph:
    with db.connect() as conn:
        return MartGraph.from_catalog(read_catalog(conn))


def test_the_catalog_finds_the_23_marts_and_their_layers(db: DatabaseUnderTest) -> None:
    graph = warehouse_graph(db)
    assert {name: set(up) for name, up in graph.upstream.items()} == WAREHOUSE_UPSTREAM


def test_the_23_marts_refresh_in_a_valid_order(db: DatabaseUnderTest) -> None:
    graph = warehouse_graph(db)
    order = graph.refresh_order()
    assert len(order) == len(WAREHOUSE_UPSTREAM) == 23
    for name, upstream in WAREHOUSE_UPSTREAM.items():
        for parent in upstream:
            assert order.index(parent) < order.index(name), f"{parent} after {name}"


def test_the_23_marts_refresh_on_an_empty_warehouse(db: DatabaseUnderTest) -> None:
    run = refresh_marts(db.settings, workers=2)
    assert run.ok, [v for v in run.views if v.error]
    assert [v.status for v in run.views] == [MartStatus.REFRESHED] * len(WAREHOUSE_UPSTREAM)


def test_a_play_stats_change_makes_only_its_descendants_stale(db: DatabaseUnderTest) -> None:
    refresh_marts(db.settings, workers=2)
    with db.connect() as conn:
        conn.execute("TRUNCATE stats.play_stats")
    run = refresh_marts(db.settings, stale_only=True)
    refreshed = {v.name for v in run.views if v.status is MartStatus.REFRESHED}
    assert refreshed == {
        "marts.play_credits",
        "marts.player_game_epa",
        "marts.player_season_epa",
        "marts.athlete_game_epa",
        "marts.athlete_season_epa",
        "scouting.player_mart",
    }
