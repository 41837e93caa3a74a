"""The console tests' fixtures: the backfill tests' stand-in (40 games to load) and the
settings pointing the CFBD client at it."""

from __future__ import annotations

from tests.backfill.conftest import standin
from tests.cfbd.conftest import cfbd_settings

__all__ = ["cfbd_settings", "standin"]
