"""The console's reading side, the base of its App: where it runs (settings, read-only), what
is selected, and the drill-downs. Each read runs in a thread worker that calls the same core
function as the headless command and only posts messages; the handlers, on the event loop,
build the screens."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar, TypeVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable

from cfbops.config import Settings
from cfbops.errors import CfbopsError
from cfbops.tui.messages import ActionFinished, DrillDownReady

# The core (migrate, marts, quality, cfbd: pglast, httpx…) and the screens are imported where
# a read first needs them, so the console's first paint does not wait for them.
PANE_IDS = ("migrations", "budget", "marts", "quality")
T = TypeVar("T")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().split("\n", 1)[0]
    return text or type(exc).__name__


class ConsoleReads(App[None]):
    """Settings, selection and drill-downs; the writing actions build on it."""

    # First in the footer (a base class's bindings come first): what everyone needs.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(self, settings: Settings, *, read_only: bool = False) -> None:
        super().__init__()
        self.settings = settings
        self.read_only = read_only or settings.read_only

    # -- what is selected ----------------------------------------------------------------

    def focused_pane_id(self) -> str | None:
        widget: Widget | None = self.focused
        while widget is not None:
            if widget.id in PANE_IDS:
                return widget.id
            parent = widget.parent
            widget = parent if isinstance(parent, Widget) else None
        return None

    def selected_cells(self, pane_id: str) -> tuple[str, ...]:
        """Every cell of the pane's selected row, shown or not (empty without one)."""
        panes = self.screen_stack[0].query(f"#{pane_id}")
        row = getattr(panes.first(), "selected_row", None) if panes else None
        return tuple(row.cells) if row is not None else ()

    def selected(self, pane_id: str) -> str | None:
        """The pane's selected row (its `selected_key`), if that pane is on the screen."""
        panes = self.screen_stack[0].query(f"#{pane_id}")
        if not panes:
            return None
        key = getattr(panes.first(), "selected_key", None)
        return key if isinstance(key, str) else None

    # -- the drill-downs -------------------------------------------------------------------

    def action_migration_plan(self) -> None:
        self.load_plan()

    def action_budget_ledger(self) -> None:
        self.load_ledger()

    def action_drill_down(self) -> None:
        pane = self.focused_pane_id()
        selected = self.selected(pane) if pane else None
        if pane == "migrations" and selected and self.selected_cells(pane)[1:2] == ("applied",):
            self.load_record(selected)
        elif pane == "migrations":
            self.load_plan(selected)
        elif pane == "budget":
            if selected:
                # Directly: under --read-only the key's binding is disabled, this says why.
                self.action_backfill()
            else:
                self.load_ledger()
        elif pane == "marts" and selected:
            self.load_mart(selected)
        elif pane == "quality" and selected:
            self.load_finding(selected)
        else:
            self.notify("Pick a pane (1-4) and a row first, then enter.", severity="warning")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # Enter on a pane's table; tables inside drill-downs have nothing below them.
        if event.data_table.screen is self.screen_stack[0]:
            event.stop()
            self.action_drill_down()

    def on_drill_down_ready(self, message: DrillDownReady) -> None:
        self.push_screen(message.build(), message.on_result)

    def show(self, build: Callable[[], Screen[Any]], then: Callable[[Any], None] | None = None):
        """From a worker: have the event loop build and push a screen."""
        self.post_message(DrillDownReady(build, then))

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_plan(self, selected: str | None = None) -> None:
        from cfbops.migrate.plan import migration_plan
        from cfbops.tui.screens.migration_plan import MigrationPlanScreen

        plan = self.read(
            "the migration plan", lambda: migration_plan(self.settings, self.settings.sql_dir)
        )
        if plan is None:
            return

        def then(apply_now: bool | None) -> None:
            if apply_now:
                self.run_action("apply_migrations")

        self.show(lambda: MigrationPlanScreen(plan, selected=selected), then)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_mart(self, name: str) -> None:
        from cfbops.marts.detail import mart_detail
        from cfbops.tui.screens.mart import MartScreen

        detail = self.read("the mart", lambda: mart_detail(self.settings, name))
        if detail is not None:
            self.show(lambda: MartScreen(detail), self.mart_answered)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_finding(self, check: str) -> None:
        from cfbops.quality.findings import finding_detail
        from cfbops.tui.screens.finding import FindingScreen

        detail = self.read("the finding", lambda: finding_detail(self.settings, check))
        if detail is not None:
            self.show(lambda: FindingScreen(detail), partial(self.finding_answered, check))

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_record(self, file_name: str) -> None:
        from cfbops.migrate.record import migration_record
        from cfbops.tui.screens.record import MigrationRecordScreen

        record = self.read("the migration", lambda: migration_record(self.settings, file_name))
        if record is not None:
            self.show(lambda: MigrationRecordScreen(record))

    def mart_answered(self, selectors: tuple[str, ...] | None) -> None:
        """A mart's screen closed asking for a refresh (the writing side runs it)."""

    def finding_answered(self, check: str, answer: str | None) -> None:
        """A finding's screen closed asking to mute or unmute (the writing side does it)."""

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_ledger(self) -> None:
        from cfbops.cfbd.calls import recent_calls
        from cfbops.tui.screens.ledger import LedgerScreen

        calls = self.read("the ledger", lambda: recent_calls(self.settings))
        if calls is not None:
            self.show(lambda: LedgerScreen(calls))

    def read(self, what: str, read: Callable[[], T]) -> T | None:
        """Run a read in a worker; a failure is one line in a notification, never a crash."""
        try:
            return read()
        except CfbopsError as exc:
            self.post_message(ActionFinished("read", f"{what}: {exc}", ok=False))
        except Exception as exc:  # the console stays up whatever a read meets
            self.post_message(
                ActionFinished("read", f"{what} could not be read: {first_line(exc)}", ok=False)
            )
        return None
