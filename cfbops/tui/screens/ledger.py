"""The budget's ledger: the most recent CFBD calls as the ledger booked them."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import DataTable

from cfbops.cfbd.calls import LedgerCall
from cfbops.tui.panes.table import ReadingTable
from cfbops.tui.screens.base import DrillDown, milliseconds, text_block, when


def _params(call: LedgerCall) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(call.params.items()))


class LedgerScreen(DrillDown[None]):
    def __init__(self, calls: tuple[LedgerCall, ...]) -> None:
        super().__init__("Budget ledger: recent CFBD calls")
        self.calls = calls

    def body(self) -> Iterable[Widget]:
        metered = sum(1 for c in self.calls if c.metered)
        in_flight = sum(1 for c in self.calls if c.outcome is None)
        yield text_block(
            [
                f"{len(self.calls)} most recent calls: {metered} metered, "
                f"{len(self.calls) - metered} free or refunded, {in_flight} in flight"
            ]
        )
        table: DataTable[str] = ReadingTable(zebra_stripes=True)
        table.add_columns("at (UTC)", "endpoint", "params", "status", "outcome", "rows", "time")
        table.add_columns("metered", "run")
        for c in self.calls:
            table.add_row(
                when(c.called_at),
                c.endpoint,
                _params(c),
                "—" if c.status is None else str(c.status),
                c.outcome or "in flight",
                "—" if c.rows is None else f"{c.rows:,}",
                milliseconds(c.duration_ms),
                "yes" if c.metered else "no",
                c.holder or "—",
                key=str(c.id),
            )
        if not self.calls:
            yield text_block(["no calls yet (a backfill spends them: b)"], classes="hint")
        yield table
