"""Backfill tests: the stand-in over loopback, on a test database whose season without play
stats is cut to a few dozen completed games (a test's time is not a season's)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cfbops.demo.cfbd_standin import StandIn, running_standin
from tests.backfill.helpers import SEASON
from tests.cfbd.conftest import TEST_KEY, cfbd_settings
from tests.conftest import DatabaseUnderTest

GAMES = 40


@pytest.fixture
def standin(db: DatabaseUnderTest) -> Iterator[StandIn]:
    with db.connect() as conn:
        conn.execute(
            "UPDATE core.games SET completed = false WHERE season = %s AND completed"
            " AND id NOT IN (SELECT id FROM core.games WHERE season = %s AND completed"
            "                AND home_team <> away_team ORDER BY id LIMIT %s)",
            (SEASON, SEASON, GAMES),
        )
    with running_standin(db.url, api_key=TEST_KEY, hang_s=6.0) as server:
        yield server


__all__ = ["cfbd_settings", "standin"]
