"""Last refresh and staleness per mart, for the console and status."""

from __future__ import annotations

from cfbops.marts.runner import refresh_marts
from cfbops.marts.states import mart_states
from tests.conftest import DatabaseUnderTest
from tests.marts.world import ALL_MARTS, flush_statistics


def test_before_any_refresh_every_mart_is_stale_with_no_last_refresh(
    world: DatabaseUnderTest,
) -> None:
    states = mart_states(world.settings)
    assert {s.name for s in states} == ALL_MARTS
    assert all(s.stale and s.last_refreshed_at is None for s in states)


def test_after_a_change_its_descendants_show_stale_and_why(world: DatabaseUnderTest) -> None:
    refresh_marts(world.settings)
    with world.connect() as conn:
        conn.execute("INSERT INTO raw.games VALUES (4, 2023, 'A', 'C')")
        flush_statistics(conn)
    states = {s.name: s for s in mart_states(world.settings)}
    stale = {name for name, s in states.items() if s.stale}
    assert stale == {"marts.game_totals", "marts.game_summary", "marts.season_report"}
    assert states["marts.game_totals"].stale_reason == "changed: raw.games"
    assert states["marts.game_summary"].stale_reason == "upstream marts.game_totals is stale"
    fresh = states["marts.team_names"]
    assert fresh.last_refreshed_at is not None and fresh.last_rows == 3
    assert fresh.upstream == ()
    assert states["marts.season_report"].upstream == ("marts.game_summary", "marts.player_season")
