"""While a full refresh of the `medium` data runs from the console, a key press is
answered within 100 ms (the worst of 50 presses).

Migrates and seeds the database given by --database-url (default: a scratch embedded
server) at --scale (default medium), opens the console headless at 120x40 (the real
CfbopsApp with its pane polling), presses R (refresh all) and waits until the refresh worker
is running. Then --presses times (default 50) it sends a key that moves the focus between two
panes (1 and 3, alternately), as a terminal would, and times it from the key event's arrival
to the end of the first screen update painted after the focus moved: the key is answered
when the user can see it, its binding having run and the panes' new borders and table
cursors drawn. The headless driver skips turning an update into terminal output; the
script does that work for every update (and throws the text away), so a press also pays
what a real terminal's output would cost. Presses are spaced by --gap-ms (default 100).
Only presses made while the refresh was still running count; the script says how many.
Afterwards the refresh is stopped as the console's cancel key stops it (the REFRESH in hand
cancelled with pg_cancel_backend, the run recorded cancelled) so the script ends.

Prints: machine facts, presses counted, median, p95 and worst latency in ms. Target: worst
<= 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

import psycopg
from refresh import prepare, settings_for
from rich.console import RenderableType
from scratch import scratch_database
from textual import events
from textual._compositor import CompositorUpdate
from textual.screen import Screen

from cfbops.tui.app import CfbopsApp

DEADLINE_S = 600.0
PANES = (("1", "migrations"), ("3", "marts"))


def _refreshing(app: CfbopsApp) -> bool:
    return any(w.group == "refresh" and not w.is_finished for w in app.workers)


async def _until(condition, what: str, deadline_s: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        await asyncio.sleep(0.005)


class Paints:
    """Watches the App's screen updates: when the last one ended, and whether the focus had
    moved to the awaited pane before it began."""

    def __init__(self, app: CfbopsApp) -> None:
        self.app = app
        self.awaited: str | None = None
        self.answered_at: float | None = None
        display = app._display

        def painted(screen: Screen, update: RenderableType | None) -> None:
            # The update is drawn with the focus it began with: the awaited pane's table has
            # taken it and the other tables have let it go (each restyled as it handles its
            # focus or blur event), and no repaint for the move is still pending (an update
            # for a layout pass comes first).
            answers = (
                self.awaited is not None
                and _focused(app) == self.awaited
                and all(pane.table.has_focus == (pane.id == self.awaited) for pane in app.panes())
                and not screen._repaint_required
            )
            display(screen, update)
            if isinstance(update, CompositorUpdate) and app.is_headless:
                update.render_segments(app.console)  # a terminal's output, discarded
            if answers and update is not None and self.answered_at is None:
                self.answered_at = time.perf_counter()

        app._display = painted  # type: ignore[method-assign]

    def expect(self, pane: str) -> None:
        self.awaited, self.answered_at = pane, None


async def _press(
    app: CfbopsApp, paints: Paints, presses: int, gap_ms: float, *, during_refresh: bool
) -> tuple[list[float], int]:
    """Latencies (ms) of the presses counted, and how many presses were made."""
    latencies: list[float] = []
    made = 0
    for i in range(presses):
        key, pane = PANES[i % 2]
        if during_refresh and not _refreshing(app):
            break
        made += 1
        event = events.Key(key, key)
        event.set_sender(app)
        paints.expect(pane)
        started = time.perf_counter()
        app._driver.send_message(event)  # as the terminal driver delivers a key
        await _until(lambda: paints.answered_at is not None, f"key {key} answered", 10.0)
        assert paints.answered_at is not None
        elapsed = (paints.answered_at - started) * 1000
        paints.expect("")
        if not during_refresh or _refreshing(app):
            latencies.append(elapsed)
        await asyncio.sleep(gap_ms / 1000)
    return latencies, made


async def measure(url: str, presses: int, gap_ms: float, say) -> tuple[int, int]:
    """The presses with the console idle (polling only), then during a full refresh; the
    figures are printed as soon as they are in (stopping a medium refresh takes a while)."""
    app = CfbopsApp(settings_for(url))
    paints = Paints(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(lambda: app.polls >= 1, "the first dashboard poll")
        idle, _ = await _press(app, paints, presses, gap_ms, during_refresh=False)
        say(f"{len(idle)} presses with the console idle: {_figures(idle)}")
        await pilot.press("R")
        await _until(lambda: _refreshing(app) and app.finished_actions == [], "the refresh")
        # Let the refresh get under way (a mart's REFRESH running) before pressing.
        await _until(lambda: _refresh_sessions(url) > 0, "the refresh's session")
        busy, made = await _press(app, paints, presses, gap_ms, during_refresh=True)
        if busy:
            say(
                f"{len(busy)} presses during the refresh (of {made} made): {_figures(busy)} "
                "(target: worst <= 100 ms)"
            )
        # Stop the refresh as the cancel key does: its REFRESH statements cancelled in the
        # server (sent again while it has not ended), the run recorded cancelled.
        app.cancel("refresh")
        await _until(lambda: not _refreshing(app), "the refresh to stop")
    return len(busy), made


def _figures(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[max(round(0.95 * len(ordered)) - 1, 0)]
    return (
        f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, worst {ordered[-1]:.1f} ms"
    )


def _focused(app: CfbopsApp) -> str | None:
    pane = app.focused_pane()
    return pane.id if pane is not None else None


def _refresh_sessions(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND query ILIKE 'REFRESH MATERIALIZED VIEW%' AND state = 'active'"
        ).fetchone()
    return int(row[0]) if row else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", help="a database to migrate and seed (default: scratch)")
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--presses", type=int, default=50)
    parser.add_argument("--gap-ms", type=float, default=100.0)
    args = parser.parse_args(argv)

    def say(text: str) -> None:
        print(text, flush=True)

    with scratch_database(args.database_url) as url:
        say("preparing: migrate, seed")
        prepare(url, args.scale, say)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")
            version = conn.execute("SHOW server_version").fetchone()[0]
        say(
            f"cpus {os.cpu_count()}, load {os.getloadavg()[0]:.1f}, PostgreSQL {version}, "
            f"scale {args.scale}"
        )
        busy, made = asyncio.run(measure(url, args.presses, args.gap_ms, say))
    if not busy:
        say(f"no press landed while the refresh ran ({made} made): use a larger --scale")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
