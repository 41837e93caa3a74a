"""A mart up close: what it reads, its upstream and downstream marts, and its recent
refreshes with a sparkline of their durations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import DataTable, Sparkline

from cfbops.marts.detail import MartDetail
from cfbops.tui.panes.table import ReadingTable
from cfbops.tui.screens.base import DrillDown, milliseconds, text_block, when


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names) if names else "none"


class MartScreen(DrillDown[tuple[str, ...] | None]):
    """Dismissed with the selectors to refresh when asked to: this mart, or it and its
    descendants (the App runs the refresh)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("r", "refresh('')", "Refresh this"),
        Binding("d", "refresh('+')", "…and descendants"),
        Binding("y", "copy_name", "Copy name"),
    ]
    WRITES = frozenset({"refresh"})

    def __init__(self, detail: MartDetail) -> None:
        super().__init__(f"Mart {detail.name}")
        self.detail = detail

    def action_refresh(self, suffix: str) -> None:
        self.dismiss((f"{self.detail.name}{suffix}",))

    def action_copy_name(self) -> None:
        self.copy(self.detail.name, self.detail.name)

    def body(self) -> Iterable[Widget]:
        d = self.detail
        yield text_block(
            [
                f"reads       {_names(d.reads)}",
                f"upstream    {_names(d.upstream)}",
                f"downstream  {_names(d.downstream)}",
                f"durations   last {len(d.durations_ms)} successful refreshes, oldest first:",
            ]
        )
        yield Sparkline(list(d.durations_ms) or [0.0])
        table: DataTable[str] = ReadingTable(zebra_stripes=True)
        table.add_columns("run", "started (UTC)", "status", "mode", "duration", "rows")
        for r in d.history:
            table.add_row(
                str(r.run_id),
                when(r.started_at),
                r.status if not r.error else f"{r.status}: {r.error.splitlines()[0]}",
                r.mode or "—",
                milliseconds(r.duration_ms),
                "—" if r.rows is None else f"{r.rows:,}",
                key=str(r.run_id),
            )
        if not d.history:
            yield text_block(["never refreshed by cfbops yet (r or R refreshes)"], classes="hint")
        yield table
