"""--stale: only marts whose inputs changed since their last refresh, and what lies downstream."""

from __future__ import annotations

from cfbops.marts.models import MartStatus, RefreshMode, RefreshRun
from cfbops.marts.runner import preview_refresh, refresh_marts
from tests.conftest import DatabaseUnderTest
from tests.marts.world import ALL_MARTS, flush_statistics

PLAY_STATS_DOWNSTREAM = {"marts.player_yards", "marts.player_season", "marts.season_report"}


def refreshed(run: RefreshRun) -> set[str]:
    return {v.name for v in run.views if v.status is MartStatus.REFRESHED}


def write(db: DatabaseUnderTest, statement: str) -> None:
    with db.connect() as conn:
        conn.execute(statement)
        flush_statistics(conn)


def test_marts_never_refreshed_by_cfbops_are_stale(world: DatabaseUnderTest) -> None:
    run = refresh_marts(world.settings, stale_only=True)
    assert refreshed(run) == ALL_MARTS
    assert all(v.reason == "no refresh by cfbops on record" for v in run.views)


def test_nothing_changed_means_every_mart_is_fresh(world: DatabaseUnderTest) -> None:
    refresh_marts(world.settings)
    run = refresh_marts(world.settings, stale_only=True)
    assert refreshed(run) == set()
    assert {v.name for v in run.views if v.status is MartStatus.FRESH} == ALL_MARTS


def test_a_change_to_one_raw_table_refreshes_exactly_its_descendants(
    world: DatabaseUnderTest,
) -> None:
    refresh_marts(world.settings)
    write(world, "INSERT INTO raw.play_stats VALUES (3, 2023, 12, 'rush')")
    run = refresh_marts(world.settings, stale_only=True)
    assert refreshed(run) == PLAY_STATS_DOWNSTREAM
    assert {v.name for v in run.views} == ALL_MARTS
    reasons = {v.name: v.reason for v in run.views}
    assert reasons["marts.player_yards"] == "changed: raw.play_stats"


def test_updates_and_deletes_count_as_changes(world: DatabaseUnderTest) -> None:
    refresh_marts(world.settings)
    write(world, "UPDATE raw.teams SET school = 'Alpha' WHERE id = 1")
    assert refreshed(refresh_marts(world.settings, stale_only=True)) == {"marts.team_names"}
    write(world, "DELETE FROM raw.teams WHERE id = 3")
    assert refreshed(refresh_marts(world.settings, stale_only=True)) == {"marts.team_names"}


def test_truncate_counts_as_a_change(world: DatabaseUnderTest) -> None:
    refresh_marts(world.settings)
    write(world, "TRUNCATE raw.teams")
    assert refreshed(refresh_marts(world.settings, stale_only=True)) == {"marts.team_names"}


def test_a_change_to_one_partition_is_a_change_to_the_partitioned_table(
    world: DatabaseUnderTest,
) -> None:
    refresh_marts(world.settings)
    write(world, "INSERT INTO raw.plays VALUES (5, 2023, 3, 4)")
    run = refresh_marts(world.settings, stale_only=True)
    assert refreshed(run) == {
        "marts.play_yards",
        "marts.game_summary",
        *PLAY_STATS_DOWNSTREAM,
    }


def test_a_new_partition_counts_as_a_change(world: DatabaseUnderTest) -> None:
    refresh_marts(world.settings)
    write(world, "CREATE TABLE raw.plays_2024 PARTITION OF raw.plays FOR VALUES IN (2024)")
    assert "marts.play_yards" in refreshed(refresh_marts(world.settings, stale_only=True))


def test_a_partition_dropped_and_recreated_with_the_same_rows_counts_as_a_change(
    world: DatabaseUnderTest,
) -> None:
    # Same name, same rows, same change counters as before: only its identity differs.
    refresh_marts(world.settings)
    write(
        world,
        "DROP TABLE raw.plays_2023;"
        " CREATE TABLE raw.plays_2023 PARTITION OF raw.plays FOR VALUES IN (2023);"
        " INSERT INTO raw.plays VALUES (3, 2023, 2, -2), (4, 2023, 3, 12)",
    )
    run = refresh_marts(world.settings, stale_only=True)
    assert refreshed(run) == {"marts.play_yards", "marts.game_summary", *PLAY_STATS_DOWNSTREAM}
    reasons = {v.name: v.reason for v in run.views}
    assert reasons["marts.play_yards"] == "changed: raw.plays_2023"


def test_a_declared_input_dropped_and_recreated_counts_as_a_change(
    world: DatabaseUnderTest,
) -> None:
    refresh_marts(world.settings)
    write(
        world,
        "DROP TABLE raw.flags;"
        " CREATE TABLE raw.flags (name text PRIMARY KEY, raised boolean NOT NULL);"
        " INSERT INTO raw.flags VALUES ('fragile fails', false)",
    )
    run = refresh_marts(world.settings, stale_only=True)
    assert refreshed(run) == {"marts.fragile", "marts.fragile_child"}
    reasons = {v.name: v.reason for v in run.views}
    assert reasons["marts.fragile"] == "changed: raw.flags"


def test_a_declared_input_makes_its_mart_stale(world: DatabaseUnderTest) -> None:
    refresh_marts(world.settings)
    write(world, "INSERT INTO raw.flags VALUES ('unrelated', false)")
    run = refresh_marts(world.settings, stale_only=True)
    assert refreshed(run) == {"marts.fragile", "marts.fragile_child"}


def test_an_upstream_mart_refreshed_since_makes_its_downstream_stale(
    world: DatabaseUnderTest,
) -> None:
    refresh_marts(world.settings)
    refresh_marts(world.settings, ["marts.player_season"], mode=RefreshMode.PLAIN)
    with world.connect() as conn:
        flush_statistics(conn)  # PostgreSQL 14's collector lags; 15+ workers flush their own
    run = refresh_marts(world.settings, stale_only=True)
    assert refreshed(run) == {"marts.season_report"}
    reasons = {v.name: v.reason for v in run.views}
    assert reasons["marts.season_report"] == "changed: marts.player_season"


def test_an_unpopulated_mart_is_stale(world: DatabaseUnderTest) -> None:
    refresh_marts(world.settings)
    with world.connect() as conn:
        conn.execute("REFRESH MATERIALIZED VIEW marts.team_names WITH NO DATA")
    run = refresh_marts(world.settings, stale_only=True)
    assert refreshed(run) == {"marts.team_names"}


def test_stale_with_a_selection_considers_only_the_selection(world: DatabaseUnderTest) -> None:
    refresh_marts(world.settings)
    write(world, "INSERT INTO raw.play_stats VALUES (3, 2023, 12, 'rush')")
    run = refresh_marts(world.settings, ["player_yards+"], stale_only=True)
    assert {v.name for v in run.views} == PLAY_STATS_DOWNSTREAM
    assert refreshed(run) == PLAY_STATS_DOWNSTREAM


def test_preview_names_what_would_be_refreshed_and_why(world: DatabaseUnderTest) -> None:
    refresh_marts(world.settings)
    write(world, "INSERT INTO raw.play_stats VALUES (3, 2023, 12, 'rush')")
    plan = preview_refresh(world.settings, stale_only=True)
    assert {m.name for m in plan.to_refresh} == PLAY_STATS_DOWNSTREAM
    why = {m.name: m.reason for m in plan.marts}
    assert why["marts.player_season"] == "upstream marts.player_yards is refreshed in this run"
    # A preview changes nothing: the same marts are still stale.
    assert {m.name for m in preview_refresh(world.settings, stale_only=True).to_refresh} == (
        PLAY_STATS_DOWNSTREAM
    )
