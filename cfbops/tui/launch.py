"""Open the console, or the demo: the only entry points from the command line."""

from __future__ import annotations

from cfbops.config import Settings
from cfbops.status import collect_status


def run_console(settings: Settings) -> int:
    from cfbops.tui.app import CfbopsApp

    snapshot = collect_status(settings)
    CfbopsApp(snapshot).run()
    return 0


def run_demo(settings: Settings, *, scale: str, fresh: bool) -> int:
    """The embedded database, then the console (demo data arrives with the seed command)."""
    del scale, fresh
    return run_console(settings)
