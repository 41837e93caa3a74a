"""Fixtures for the refresh tests: the small warehouse of world.py in a fresh database."""

from __future__ import annotations

import pytest

from tests.conftest import DatabaseUnderTest
from tests.marts.world import build_world, declare_fragile_reads_flags


@pytest.fixture
def world(db: DatabaseUnderTest) -> DatabaseUnderTest:
    """A fresh database holding the test warehouse (nothing refreshed by cfbops yet)."""
    with db.connect() as conn:
        build_world(conn)
        declare_fragile_reads_flags(conn)
    return db
