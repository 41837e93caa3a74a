"""A first `cfbops demo`: from a fresh cfbops home to the filled dashboard. Target: <= 60 s at
the default scale (small) on 2 cores.

Each run (--runs, default 1) starts a fresh Python process with a new, empty home, which goes
the way `cfbops --home DIR demo --scale S` goes: its arguments parsed by cfbops.cli, the
embedded server initialised and started, the demo database created, migrated, seeded (and
analyzed), its warm-up done by the refresh engine, the CFBD stand-in started; then the real
CfbopsApp is opened headless at 120x40 and the clock stops when every pane's summary shows
the first snapshot (none "loading…"). The home and its server are removed afterwards.

Prints: machine facts, then per run each phase's seconds (the demo's own steps as it reports
them) and the total; the median and worst of the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cfbops.db.embedded import EmbeddedServer

TARGET_S = 60.0

CHILD = r"""
import asyncio, json, sys, time
t_start = time.time()
phases = []
last = [t_start]

def mark(name):
    now = time.time()
    phases.append((name, now - last[0]))
    last[0] = now

from cfbops.cli import load_settings_from, parse_arguments
args = parse_arguments(["--home", sys.argv[1], "demo", "--scale", sys.argv[2]])
settings = load_settings_from(args)
from cfbops.db.embedded import EmbeddedServer
from cfbops.demo.prepare import prepare_demo
mark("python, imports, arguments")
EmbeddedServer(settings.home).ensure_running()
mark("embedded server: initdb and start")

def progress(event):
    if event.task == "demo":
        mark(event.message)

demo = prepare_demo(settings, args.scale, fresh=args.fresh, progress=progress)

import dataclasses, secrets
from cfbops.demo.cfbd_standin import running_standin
from cfbops.tui.app import CfbopsApp

async def first_full_paint(app_settings):
    app = CfbopsApp(app_settings, read_only=False)
    async with app.run_test(size=(120, 40)) as pilot:
        while app.polls < 1:
            await pilot.pause(0.005)
        await pilot.pause()
        summaries = [str(s.render()) for s in app.query(".pane .summary")]
        assert summaries and not any(s.startswith("loading") for s in summaries), summaries

key = secrets.token_urlsafe(16)
with running_standin(demo.settings.database_url, api_key=key) as standin:
    mark("CFBD stand-in started")
    asyncio.run(first_full_paint(dataclasses.replace(
        demo.settings, cfbd_url=standin.url, cfbd_api_key=key)))
    mark("console: first full paint")
print(json.dumps({"start": t_start, "phases": phases, "seeded": demo.seeded}))
"""


def one_run(scale: str) -> dict:
    home = Path(tempfile.mkdtemp(prefix="cfbops-first-demo-"))
    try:
        started = time.time()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(home), scale],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        ended = time.time()
        figures = json.loads(out.strip().splitlines()[-1])
        phases = [("process start", figures["start"] - started), *figures["phases"]]
        return {"phases": phases, "total_s": ended - started, "seeded": figures["seeded"]}
    finally:
        EmbeddedServer(home).stop()
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} at start,"
        f" python {sys.version.split()[0]}, scale {args.scale}"
    )
    totals = []
    for i in range(1, args.runs + 1):
        run = one_run(args.scale)
        totals.append(run["total_s"])
        print(f"run {i} (load {os.getloadavg()[0]:.2f} at its end):")
        for name, seconds in run["phases"]:
            print(f"  {seconds:7.2f} s  {name}")
        print(f"  {run['total_s']:7.2f} s  total, a fresh home to the filled dashboard")
    worst = max(totals)
    print(
        f"scale {args.scale}: median {statistics.median(totals):.1f} s, worst {worst:.1f} s"
        f" (target <= {TARGET_S:.0f} s: {'met' if worst <= TARGET_S else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
