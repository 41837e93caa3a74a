"""What every pane shares: a title, a summary, a keyed table with a live name filter and
cycling sorts, the selected row's key, and the "not available" text for a section the core
does not give."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from cfbops.tui.data import ConsoleSnapshot
from cfbops.tui.panes.table import PaneTable
from cfbops.tui.repaint import set_text

Shown = tuple[str, tuple[str, ...]]  # a row as the table shows it: key, the shown cells


class Row(NamedTuple):
    key: str
    cells: tuple[str, ...]
    # One value per sort after the first (the core's own order): what `s` orders by.
    order: tuple[object, ...] = ()


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def not_available(command: str) -> str:
    """What a pane says when its core gave nothing: never invented figures."""
    return f"not available — arrives with `cfbops --headless {command}`"


class FilterInput(Input):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "Done", show=False)]

    def __init__(self) -> None:
        super().__init__(placeholder="filter by name", classes="filter")
        # Focusable only while open: closed, it must not take the first focus or a tab.
        self.can_focus = False
        self.display = False

    def action_leave(self) -> None:
        pane = self.parent
        if isinstance(pane, Pane):
            pane.leave_filter()


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
    # The orders `s` cycles through; the first is the order the core gives.
    sorts: ClassVar[tuple[str, ...]] = ("as listed",)
    # What the help says about the pane: its columns, marks and states.
    legend: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, classes="pane")
        self.border_title = self.title
        self._rows: list[Row] = []
        self._shown: tuple[str, ...] = self.wide_columns or self.columns
        self.sort_index = 0
        self.filter_text = ""
        self._laid_out_width = 0
        self._column_widths: tuple[int, ...] = ()

    def compose(self) -> ComposeResult:
        yield from self.compose_summary()
        yield FilterInput()
        yield PaneTable()

    def compose_summary(self) -> ComposeResult:
        yield Static("loading…", classes="summary")

    def on_mount(self) -> None:
        self._set_columns(self._widths([]))

    def on_resize(self) -> None:
        narrow = self.size.width < self.narrow_below and bool(self.narrow_columns)
        shown = self.narrow_columns if narrow else (self.wide_columns or self.columns)
        width_matters = narrow and self.size.width != self._laid_out_width
        if shown == self._shown and not width_matters:
            return
        self._shown = shown
        self._laid_out_width = self.size.width
        self.relayout()

    def relayout(self) -> None:
        """The table's columns laid out afresh from the rows, as at a fresh start."""
        self._fill_table(force=True)

    def _widths(self, wanted: list[Shown]) -> tuple[int, ...]:
        """Each shown column's width: its widest cell or its header."""
        return tuple(
            max([cell_len(name), *(cell_len(cells[i]) for _, cells in wanted)])
            for i, name in enumerate(self._shown)
        )

    def _set_columns(self, widths: tuple[int, ...]) -> None:
        # Widths given, not measured by the DataTable: in a real terminal its measuring after
        # a resize left columns at their headers' widths (`V0`, `appli`) until a restart.
        table = self.table
        table.clear(columns=True)
        for name, width in zip(self._shown, widths, strict=True):
            table.add_column(name, width=width, key=name)
        self._column_widths = widths

    @property
    def table(self) -> DataTable[str]:
        return self.query_one(PaneTable)

    @property
    def summary(self) -> Static:
        return self.query_one(".summary", Static)

    @property
    def filter_input(self) -> FilterInput:
        return self.query_one(FilterInput)

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

    @property
    def selected_row(self) -> Row | None:
        """The highlighted row with every cell it carries (shown or not)."""
        key = self.selected_key
        return next((row for row in self._rows if row.key == key), None)

    def focus_table(self) -> None:
        self.table.focus()

    def show(self, snapshot: ConsoleSnapshot) -> None:
        """Fill the pane from its section of the snapshot."""
        raise NotImplementedError

    def show_unavailable(self, text: str) -> None:
        set_text(self.summary, text)
        self._rows = []
        if self.table.row_count:
            self.table.clear()
        self.table.display = False

    # -- filter and sort -------------------------------------------------------------------

    def open_filter(self) -> None:
        field = self.filter_input
        field.display = field.can_focus = True
        field.focus()

    def leave_filter(self) -> None:
        """Escape in the filter: an empty one closes; the rows stay filtered otherwise."""
        field = self.filter_input
        field.can_focus = False
        if not self.filter_text:
            field.display = False
        self.focus_table()

    @on(Input.Changed, ".filter")
    def filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_text = event.value.strip().lower()
        self._fill_table()
        self._show_mode()

    @on(Input.Submitted, ".filter")
    def filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.leave_filter()

    def cycle_sort(self) -> str:
        self.sort_index = (self.sort_index + 1) % len(self.sorts)
        self._fill_table()
        self._show_mode()
        return self.sorts[self.sort_index]

    def _show_mode(self) -> None:
        parts = []
        if self.sort_index:
            parts.append(f"sort: {self.sorts[self.sort_index]}")
        if self.filter_text:
            parts.append(f"filter: {self.filter_text}")
        self.border_subtitle = " · ".join(parts)

    def visible_rows(self) -> list[Row]:
        rows = self._rows
        if self.filter_text:
            rows = [
                r
                for r in rows
                if self.filter_text in r.key.lower() or self.filter_text in r.cells[0].lower()
            ]
        if self.sort_index:
            position = self.sort_index - 1
            rows = sorted(rows, key=lambda r: r.order[position] if position < len(r.order) else 0)
        return rows

    # -- rows --------------------------------------------------------------------------------

    def _fitted(self, wanted: list[Shown]) -> list[Shown]:
        """Narrow: the first column's long names cut (…) so every key column stays in view."""
        if not wanted:
            return wanted
        widths = self._widths(wanted)
        # Two cells of padding a column, and the vertical scrollbar's one.
        room = self.size.width - 2 * len(widths) - 1 - sum(widths[1:])
        limit = max(room, len(self._shown[0]), 8)
        if widths[0] <= limit:
            return wanted
        return [(key, (cut(cells[0], limit), *cells[1:])) for key, cells in wanted]

    def fill(self, rows: Iterable[Row | tuple[str, tuple[str, ...]]]) -> None:
        """Keyed rows updated in place when the same rows come back in the same order (the
        cursor and scroll stay put); rebuilt otherwise, keeping the cursor on its key."""
        self.table.display = True
        self._rows = [row if isinstance(row, Row) else Row(*row) for row in rows]
        self._fill_table()

    def _fill_table(self, *, force: bool = False) -> None:
        table = self.table
        picks = [self.columns.index(name) for name in self._shown]
        wanted = [(row.key, tuple(row.cells[i] for i in picks)) for row in self.visible_rows()]
        if self._shown == self.narrow_columns and self.size.width:
            wanted = self._fitted(wanted)
        widths = self._widths(wanted)
        if force or widths != self._column_widths:
            selected = self.selected_key
            self._set_columns(widths)
            self._add_rows(wanted, selected)
            return
        current = [key.value for key in table.rows]
        if current == [key for key, _ in wanted]:
            for key, cells in wanted:
                for column, value in zip(table.columns, cells, strict=True):
                    if table.get_cell(key, column) != value:
                        table.update_cell(key, column, value)
            return
        selected = self.selected_key
        table.clear()
        self._add_rows(wanted, selected)

    def _add_rows(self, wanted: list[Shown], selected: str | None) -> None:
        table = self.table
        for key, cells in wanted:
            table.add_row(*cells, key=key)
        if selected is not None:
            with contextlib.suppress(RowDoesNotExist):  # the selected row is gone
                table.move_cursor(row=table.get_row_index(selected))
