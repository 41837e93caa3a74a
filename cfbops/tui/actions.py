"""The console's actions (apply, refresh, checks, backfill): filled by the actions work."""

from __future__ import annotations


class ConsoleActions:
    """Mixed into the App: `action_*` methods and the thread workers they start."""
