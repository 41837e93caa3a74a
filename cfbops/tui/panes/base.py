"""What every pane shares: a title, a summary, a keyed table, the selected row's key, and the
"not available" text for a section the core does not give."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from cfbops.tui.data import ConsoleSnapshot
from cfbops.tui.panes.table import PaneTable
from cfbops.tui.repaint import set_text

Row = tuple[str, tuple[str, ...]]  # (key, cells)


def not_available(command: str) -> str:
    """What a pane says when its core gave nothing: never invented figures."""
    return f"not available — arrives with `cfbops --headless {command}`"


class Pane(Vertical):
    """A titled pane: a summary above a keyed table; `selected_key` is the key of the table's
    highlighted row (what `enter` opens a drill-down on)."""

    title: ClassVar[str] = ""
    # Every cell a row carries; `wide_columns` (default: all) and `narrow_columns` pick and
    # order the ones shown.
    columns: ClassVar[tuple[str, ...]] = ()
    wide_columns: ClassVar[tuple[str, ...]] = ()
    # The columns kept when the pane is narrow (80 columns split in two): what matters most.
    narrow_columns: ClassVar[tuple[str, ...]] = ()
    narrow_below: ClassVar[int] = 56

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, classes="pane")
        self.border_title = self.title
        self._rows: list[Row] = []
        self._shown: tuple[str, ...] = self.wide_columns or self.columns

    def compose(self) -> ComposeResult:
        yield from self.compose_summary()
        yield PaneTable()

    def compose_summary(self) -> ComposeResult:
        yield Static("loading…", classes="summary")

    def on_mount(self) -> None:
        self.table.add_columns(*self._shown)

    def on_resize(self) -> None:
        narrow = self.size.width < self.narrow_below and bool(self.narrow_columns)
        shown = self.narrow_columns if narrow else (self.wide_columns or self.columns)
        if shown == self._shown:
            return
        self._shown = shown
        self.table.clear(columns=True)
        self.table.add_columns(*shown)
        self.fill(self._rows)

    @property
    def table(self) -> DataTable[str]:
        return self.query_one(DataTable)

    @property
    def summary(self) -> Static:
        return self.query_one(".summary", Static)

    @property
    def selected_key(self) -> str | None:
        table = self.table
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except CellDoesNotExist:  # no cursor row yet
            return None
        return key.value

    def focus_table(self) -> None:
        self.table.focus()

    def show(self, snapshot: ConsoleSnapshot) -> None:
        """Fill the pane from its section of the snapshot."""
        raise NotImplementedError

    def show_unavailable(self, text: str) -> None:
        set_text(self.summary, text)
        if self.table.row_count:
            self.table.clear()
        self.table.display = False

    def fill(self, rows: Iterable[Row]) -> None:
        """Keyed rows updated in place when the same rows come back in the same order (the
        cursor and scroll stay put); rebuilt otherwise, keeping the cursor on its key."""
        table = self.table
        table.display = True
        self._rows = list(rows)
        picks = [self.columns.index(name) for name in self._shown]
        wanted = [(key, tuple(cells[i] for i in picks)) for key, cells in self._rows]
        current = [key.value for key in table.rows]
        if current == [key for key, _ in wanted]:
            for key, cells in wanted:
                for column, value in zip(table.columns, cells, strict=True):
                    if table.get_cell(key, column) != value:
                        table.update_cell(key, column, value)
            return
        selected = self.selected_key
        table.clear()
        for key, cells in wanted:
            table.add_row(*cells, key=key)
        if selected is not None:
            with contextlib.suppress(RowDoesNotExist):  # the selected row is gone
                table.move_cursor(row=table.get_row_index(selected))
