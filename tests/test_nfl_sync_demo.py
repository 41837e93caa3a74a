"""`sync nfl` on the demo data: the app's unknown positions, resolved from nflverse."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from nflverse_files import NflverseCache, files_for_the_demo, nflreadpy_cache, offline_nflverse

from cfbops.nfl.positions import unknown_positions
from cfbops.nfl.sync import sync_nfl

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def nflverse(tmp_path, monkeypatch) -> Iterator[NflverseCache]:
    cache = offline_nflverse(tmp_path, monkeypatch)
    with nflreadpy_cache(cache.directory):
        yield cache


def test_unknown_positions_fall_below_5_percent_on_the_demo_data(db, nflverse):
    with db.connect() as conn:
        season = files_for_the_demo(conn, nflverse)
        before = unknown_positions(conn)

    result = sync_nfl(db.settings, [season], now=NOW)

    assert before.share > 0.20  # the demo reproduces the app's 24%
    assert result.unknown.share < 0.05
    assert result.unknown.picks / result.unknown.picks_total < 0.05
    assert result.unknown.player_stats / result.unknown.player_stats_total < 0.05
    with db.connect() as conn:
        # Every resolved pick carries its own rostered player's position.
        mismatched = conn.execute(
            "SELECT count(*) FROM nfl.picks AS p JOIN nfl.weeks AS w ON w.id = p.week_id"
            " JOIN nfl.rosters AS r ON r.season = w.season AND r.team = p.team"
            "  AND nfl.normalize_player_name(r.player_name)"
            "      = nfl.normalize_player_name(p.player_name)"
            " WHERE p.position IS DISTINCT FROM r.position"
        ).fetchone()[0]
        assert mismatched == 0
    again = sync_nfl(db.settings, [season], now=NOW)
    assert again.positions_resolved.picks == 0
    assert (again.games_inserted, again.rosters_inserted) == (0, 0)
