"""The console: a header naming the target, four panes polled from one connection, a footer."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import threading
import time
from typing import ClassVar, Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from cfbops.config import Settings
from cfbops.tui.action_bar import ActionBar
from cfbops.tui.actions import ConsoleActions
from cfbops.tui.data import Clock, ConsoleSnapshot, SourceUnavailable, StatusSource, utc_now
from cfbops.tui.footer import ConsoleFooter
from cfbops.tui.messages import ConnectionLost, SnapshotReady
from cfbops.tui.panes import BudgetPane, MartsPane, MigrationsPane, QualityPane
from cfbops.tui.panes.base import Pane
from cfbops.tui.reads import PANE_IDS
from cfbops.tui.repaint import set_text

# Seconds between the end of one poll and the start of the next.
POLL_INTERVAL_S = 2.0
# Seconds the console may take to exit after its terminal went away before it is ended.
HANGUP_GRACE_S = 5.0
# After an unexpected failure, wait as long as the longest reconnect backoff.
MAX_RETRY_S = 15.0


class SnapshotSource(Protocol):
    """What the App polls: the real StatusSource, or a fixed one in snapshot tests."""

    def poll(self) -> ConsoleSnapshot: ...

    def close(self) -> None: ...


class DashboardScreen(Screen[None]):
    # Textual repaints the whole screen when the focus moves; the panes that gain and lose
    # it repaint themselves (their focus styles), so a pane switch redraws only those two.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    # A short terminal (24 lines) gets equal rows and compact panes (console.tcss).
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "-short"), (32, "-tall")]


class Banner(Static):
    """The lost-connection line: its state and countdown first, the reason after; enter
    shows the whole error."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "show_error", "Full error")]

    def __init__(self) -> None:
        super().__init__("", id="banner", markup=False)
        self.reason = ""
        self.detail = ""
        self.retry_at = 0.0

    def lost(self, reason: str, detail: str, retry_in_s: float) -> None:
        # Focusable only while shown: enter on it opens the whole error.
        self.can_focus = True
        self.reason, self.detail = reason, detail
        self.retry_at = time.monotonic() + retry_in_s
        self.tick()

    def tick(self) -> None:
        left = max(self.retry_at - time.monotonic(), 0.0)
        when = f"retrying in {left:.0f} s" if left >= 0.5 else "retrying now"
        set_text(self, f"reconnecting · {when} · {self.reason} (enter: the full error)")

    def action_show_error(self) -> None:
        from cfbops.tui.screens.base import TextScreen

        lines = self.detail.splitlines() or [self.reason]
        self.app.push_screen(TextScreen("The connection error, in full", lines))


class CfbopsApp(ConsoleActions):
    TITLE = "cfbops"
    CSS_PATH = "console.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "focus_pane('migrations')", "Migrations", show=False),
        Binding("2", "focus_pane('budget')", "Budget", show=False),
        Binding("3", "focus_pane('marts')", "Marts", show=False),
        Binding("4", "focus_pane('quality')", "Quality", show=False),
        Binding("tab", "focus_next", "Next pane", show=False),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False),
        Binding("escape", "back", "Back", show=False),
        Binding("slash", "filter", "Filter", show=False),
        Binding("s", "sort", "Sort", show=False),
        Binding("z", "maximize_pane", "Zoom", show=False),
        Binding("y", "copy_selected", "Copy", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        read_only: bool = False,
        source: SnapshotSource | None = None,
        clock: Clock = utc_now,
        poll_interval_s: float = POLL_INTERVAL_S,
    ) -> None:
        super().__init__(settings, read_only=read_only)
        # Calm over SSH: no animations unless asked for with TEXTUAL_ANIMATIONS.
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            self.animation_level = "none"
        self.clock = clock
        self.source: SnapshotSource = source or StatusSource(settings, clock=clock)
        self.poll_interval_s = poll_interval_s
        self.snapshot: ConsoleSnapshot | None = None
        self.connection_state = "connecting"
        self.polls = 0
        # Seconds the first successful poll took (connect included): bench/startup.py reads it.
        self.first_poll_s: float | None = None
        self._frozen = False

    def get_default_screen(self) -> Screen[None]:
        return DashboardScreen(id="_default")

    def compose(self) -> ComposeResult:
        # Kept by reference: App.query_one searches the screen on top, which is a drill-down
        # whenever one is open, and polls go on underneath it.
        self.target_widget = Static("cfbops · connecting…", id="target")
        self.banner = Banner()
        self.pane_widgets: dict[str, Pane] = {
            "migrations": MigrationsPane(id="migrations"),
            "budget": BudgetPane(id="budget"),
            "marts": MartsPane(id="marts"),
            "quality": QualityPane(id="quality"),
        }
        yield self.target_widget
        yield self.banner
        with Grid(id="dashboard"):
            yield from self.pane_widgets.values()
        # In the flow above the footer (not docked: two docked widgets share one line).
        yield ActionBar(id="action-bar")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        self.banner.display = False
        self.set_interval(1.0, self.tick_banner)
        # The terminal went away (SSH dropped, window closed): exit as if `q` was pressed, so
        # the polling connection closes and the demo's stand-in stops, instead of dying mid-write.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.terminal_gone)
        self.poll_database()

    def on_unmount(self) -> None:
        self.source.close()
        if self._frozen:
            gc.unfreeze()  # a later App in this process (tests) must not find us immortal

    def freeze_startup_objects(self) -> None:
        """Move everything alive at the first complete paint (the widgets, styles, imported
        modules: most of the process's objects) out of the garbage collector's reach. Its full
        collections walk every tracked object and stop the event loop while they do; over
        the whole dashboard they took 70–100 ms, so a key pressed meanwhile waited that
        long. Reference counting still frees these objects; only cycles among them stay."""
        if not self._frozen:
            self._frozen = True
            gc.freeze()

    def terminal_gone(self) -> None:
        """SIGHUP: nobody is left to read the screen. Writes go to /dev/null from now on (a
        write to a hung-up terminal fails, and Textual's output thread would die with the
        screen's restore still queued behind it), then exit as `q` does. Should the exit
        still stall, a watchdog ends the process after closing the polling connection."""
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.close(null)
        watchdog = threading.Timer(HANGUP_GRACE_S, self._end_after_hangup)
        watchdog.daemon = True
        watchdog.start()
        self.exit()

    def _end_after_hangup(self) -> None:
        with contextlib.suppress(Exception):
            self.source.close()
        os._exit(0)

    # -- polling: a timer re-armed when a poll finishes, so polls never overlap ----------

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def poll_database(self) -> None:
        started = time.perf_counter()
        try:
            snapshot = self.source.poll()
        except SourceUnavailable as exc:
            self.post_message(ConnectionLost(exc.reason, exc.retry_in_s, exc.detail))
            return
        except Exception as exc:  # a bug in a pane's query must not stop the polling
            self.post_message(ConnectionLost(f"dashboard poll failed: {exc}", MAX_RETRY_S))
            return
        self.post_message(SnapshotReady(snapshot, time.perf_counter() - started))

    @on(SnapshotReady)
    def show_snapshot(self, message: SnapshotReady) -> None:
        self.snapshot = message.snapshot
        if self.first_poll_s is None:
            self.first_poll_s = message.poll_s
            self.call_after_refresh(self.freeze_startup_objects)
        self.connection_state = "connected"
        self.polls += 1
        if self.banner.display:
            self.banner.display = False
            self.banner.can_focus = False
        for pane in self.panes():
            pane.show(message.snapshot)
        set_text(self.target_widget, self.target_line(), layout=False)
        self.set_timer(self.poll_interval_s, self.poll_database)

    @on(ConnectionLost)
    def show_lost(self, message: ConnectionLost) -> None:
        self.connection_state = "reconnecting"
        self.banner.lost(message.reason, message.detail, message.retry_in_s)
        self.banner.display = True
        set_text(self.target_widget, self.target_line(), layout=False)
        self.set_timer(message.retry_in_s, self.poll_database)

    def tick_banner(self) -> None:
        if self.banner.display:
            self.banner.tick()

    # -- layout and navigation ----------------------------------------------------------

    def panes(self) -> list[Pane]:
        return [self.pane_widgets[pane_id] for pane_id in PANE_IDS]

    def focused_pane(self) -> Pane | None:
        pane_id = self.focused_pane_id()
        return self.pane_widgets[pane_id] if pane_id else None

    def target_line(self) -> str:
        """State first: on a narrow terminal the URL is what gets cut, not the news."""
        mode = "read-only" if self.read_only else "read-write"
        head = f"cfbops · {self.connection_state} · {mode}"
        if self.snapshot is None:
            return head
        db = self.snapshot.status.database
        kind = "embedded" if db.embedded else "external"
        return f"{head} · PostgreSQL {db.server_version} {kind} · {db.url}"

    def action_focus_pane(self, pane_id: str) -> None:
        if len(self.screen_stack) == 1:  # on the dashboard, not under a drill-down
            self.pane_widgets[pane_id].focus_table()

    def action_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self.screen.maximized is not None:
            self.screen.minimize()

    def action_help(self) -> None:
        from cfbops.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen(self.read_only))

    def action_filter(self) -> None:
        pane = self.focused_pane()
        if pane is None:
            self.notify("pick a pane (1-4) first, then / filters it", severity="warning")
        else:
            pane.open_filter()

    def action_sort(self) -> None:
        pane = self.focused_pane()
        if pane is None:
            self.notify("pick a pane (1-4) first, then s sorts it", severity="warning")
        else:
            self.notify(f"{pane.title}: sorted by {pane.cycle_sort()}", timeout=2)

    def action_maximize_pane(self) -> None:
        screen = self.screen_stack[0]
        if screen.maximized is not None:
            screen.minimize()
            return
        pane = self.focused_pane()
        if pane is None:
            self.notify("pick a pane (1-4) first, then z maximizes it", severity="warning")
        else:
            screen.maximize(pane, container=False)

    async def action_quit(self) -> None:
        """Quit at once, or, while something runs, ask and stop it first."""
        from cfbops.tui.screens.confirm import ConfirmScreen

        running = self.running_groups()
        if not running:
            self.exit()
            return
        lines = [self._action_bar().running_line(group) for group in running]

        def answer(yes: bool | None) -> None:
            if yes:
                self.quit_when_stopped()

        self.push_screen(
            ConfirmScreen(
                f"Quit while {' and '.join(running)} runs?",
                [
                    *lines,
                    "",
                    "y: stop it, then quit (a refresh is cancelled and recorded so; a"
                    " migration stops after the file in hand; a backfill gives its games back)",
                    "n: keep it running",
                ],
            ),
            answer,
        )

    def quit_when_stopped(self) -> None:
        running = self.running_groups()
        for group in running:
            self.cancel(group, statements=group != "migrate")
        stopping = "; ".join(f"stopping {self._action_bar().running_line(g)}" for g in running)
        self._action_bar().show_note(f"{stopping} — cfbops quits once it has")

        def exit_when_stopped() -> None:
            if not self.running_groups():
                self.exit()

        self.set_interval(0.2, exit_when_stopped)
