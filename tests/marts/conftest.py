"""Fixtures for the refresh tests: the small warehouse of world.py in an empty database.

The world lives in a database copied from template0, not from the migrated template, so the
tests see only the marts they build (the warehouse's own marts have tests of their own).
"""

from __future__ import annotations

import pytest

from tests.conftest import DatabaseUnderTest
from tests.marts.world import build_world, declare_fragile_reads_flags


@pytest.fixture
def world(empty_db: DatabaseUnderTest) -> DatabaseUnderTest:
    """A fresh database holding the test warehouse (nothing refreshed by cfbops yet)."""
    with empty_db.connect() as conn:
        build_world(conn)
        declare_fragile_reads_flags(conn)
    return empty_db
