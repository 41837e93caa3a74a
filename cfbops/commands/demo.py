"""`cfbops --headless demo`: prepare the demo's database without the console, and say how
headless commands and psql reach it."""

from __future__ import annotations

from cfbops.commands.base import Outcome
from cfbops.config import Settings
from cfbops.db.urls import redact_url
from cfbops.progress import ProgressCallback


def run_headless_demo(
    settings: Settings, *, scale: str, fresh: bool, progress: ProgressCallback
) -> Outcome:
    from cfbops.demo.prepare import prepare_demo

    demo = prepare_demo(settings, scale, fresh=fresh, progress=progress)
    database = demo.database
    reach = f"cfbops --database {database} --headless status"
    document = {
        "database": database,
        "url": redact_url(demo.settings.database_url),
        "scale": demo.scale,
        "seeded": demo.seeded,
        "marts_refreshed": demo.marts_refreshed,
        "marts_fresh": demo.marts_fresh,
        "reach_with": f"--database {database}",
    }
    seeded = f"seeded at scale {demo.scale}" if demo.seeded else f"scale {demo.scale}, kept"
    text = "\n".join(
        [
            f"demo database {database} ready ({seeded}; {demo.marts_refreshed} marts "
            f"refreshed, {demo.marts_fresh} fresh)",
            f"reach it with --database {database}: {reach}, or cfbops --database {database} psql",
            "open the console on it: cfbops demo",
        ]
    )
    return Outcome(document, text)
