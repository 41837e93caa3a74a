"""What every pane shares: a title, a body table, the selected row's key, "not available"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist

from cfbops.tui.data import ConsoleSnapshot


def not_available(command: str) -> str:
    """What a pane says when its core gave nothing: never invented figures."""
    return f"not available — arrives with `cfbops --headless {command}`"


class Pane(Vertical):
    """A titled pane holding a summary line and a keyed table; `selected_key` is the key of the
    table's highlighted row (what `enter` opens a drill-down on)."""

    DEFAULT_CSS = ""
    title: str = ""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, classes="pane")
        self.border_title = self.title

    def compose(self) -> ComposeResult:
        yield Static("loading…", classes="summary")
        table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=False)
        table.can_focus = True
        yield table

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
