"""Open the console, or the demo: the only entry points from the command line."""

from __future__ import annotations

import sys

from cfbops.config import Settings
from cfbops.status import collect_status


def run_console(settings: Settings) -> int:
    from cfbops.tui.app import CfbopsApp

    snapshot = collect_status(settings)
    CfbopsApp(snapshot).run()
    return 0


def run_demo(settings: Settings, *, scale: str, fresh: bool) -> int:
    """The demo database on the embedded server (migrated, seeded, marts refreshed), then
    the console on it. A configured database is left alone."""
    from cfbops.demo.prepare import DEMO_DATABASE, prepare_demo
    from cfbops.headless import stderr_progress

    if not settings.embedded:
        print(
            f"cfbops demo: using its own database {DEMO_DATABASE} on the embedded server,"
            " not the configured one",
            file=sys.stderr,
        )
    demo = prepare_demo(settings, scale, fresh=fresh, progress=stderr_progress())
    return run_console(demo.settings)
