"""Open the console, or the demo: the only entry points from the command line."""

from __future__ import annotations

import signal
import sys

from cfbops.config import Settings


def run_console(settings: Settings) -> int:
    from cfbops.tui.app import CfbopsApp

    # Until the App takes SIGHUP over (once mounted), a terminal closed during start-up ends
    # the run quietly rather than with the signal's default death.
    signal.signal(signal.SIGHUP, _hung_up_early)
    CfbopsApp(settings, read_only=settings.read_only).run()
    return 0


def _hung_up_early(signum: int, frame: object) -> None:
    raise SystemExit(0)


def run_demo(settings: Settings, *, scale: str, fresh: bool) -> int:
    """The demo database on the embedded server (migrated, seeded, marts refreshed), then
    the console on it. A configured database is left alone."""
    from cfbops.demo.prepare import DEMO_DATABASE, prepare_demo
    from cfbops.diagnostics import stderr_progress

    if not settings.embedded:
        print(
            f"cfbops demo: using its own database {DEMO_DATABASE} on the embedded server,"
            " not the configured one",
            file=sys.stderr,
        )
    demo = prepare_demo(settings, scale, fresh=fresh, progress=stderr_progress())
    return run_console_with_standin(demo.settings)


def run_console_with_standin(settings: Settings) -> int:
    """The console with a CFBD stand-in on 127.0.0.1 serving the demo database's games, the
    client pointed at it, so the budget meter and backfills run without a key."""
    import dataclasses
    import secrets

    from cfbops.demo.cfbd_standin import running_standin

    key = secrets.token_urlsafe(16)  # this session's only: never shown, never stored
    assert settings.database_url is not None
    with running_standin(settings.database_url, api_key=key) as standin:
        print(f"cfbops demo: CFBD stand-in at {standin.url}", file=sys.stderr)
        cfbd = dataclasses.replace(settings, cfbd_url=standin.url, cfbd_api_key=key)
        return run_console(cfbd)
