"""Make the README's console screenshots (SVG) from the seeded demo database.

    python screenshots/make_screenshots.py [--home DIR] [--scale tiny]

Prepares the demo database on the embedded server under --home as `cfbops demo` does (its
warm-up runs the checks and spends a few calls of a play-stats backfill against the local CFBD
stand-in, so every pane has content), then opens the console headless at 80x24 and 120x40 and
exports each first complete paint as SVG next to this script.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
from pathlib import Path

from cfbops.config import DatabaseSource, Settings
from cfbops.db.embedded import EmbeddedServer
from cfbops.demo.prepare import prepare_demo
from cfbops.tui.app import CfbopsApp

HERE = Path(__file__).resolve().parent
SIZES = ((80, 24), (120, 40))


async def export(settings: Settings, size: tuple[int, int], path: Path, keys: str = "") -> None:
    """The first complete paint, or the screen `keys` open from it."""
    app = CfbopsApp(settings)
    async with app.run_test(size=size) as pilot:
        while app.polls < 1:
            await pilot.pause(0.05)
        await pilot.pause()
        if keys:
            screens = len(app.screen_stack)
            await pilot.press(*keys)
            while len(app.screen_stack) == screens:
                await pilot.pause(0.05)
            await pilot.pause()
        path.write_text(app.export_screenshot(), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="cfbops home for the embedded server")
    parser.add_argument("--scale", default="tiny")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="cfbops-shots-"))
    base = Settings(database_url=None, database_source=DatabaseSource.EMBEDDED, home=home)
    try:
        # Fresh every time, so the pictures show this seed and these steps only.
        demo = prepare_demo(base, args.scale, fresh=True).settings
        for width, height in SIZES:
            path = args.out / f"dashboard-{width}x{height}.svg"
            asyncio.run(export(demo, (width, height), path))
            print(path)
        for name, keys in (("activity", "L"), ("help", "?")):
            path = args.out / f"{name}-120x40.svg"
            asyncio.run(export(demo, (120, 40), path, keys))
            print(path)
    finally:
        if args.home is None:  # a home of its own: its server stopped, its files gone
            EmbeddedServer(home).stop()
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
