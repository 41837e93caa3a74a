"""A data-quality finding up close: what the check found, since when, its sample rows and
what to do about it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import DataTable

from cfbops.quality.findings import FindingDetail
from cfbops.tui.panes.table import ReadingTable
from cfbops.tui.screens.base import DrillDown, text_block, when


def _cell(value: Any) -> str:
    return "NULL" if value is None else str(value)


class FindingScreen(DrillDown[str | None]):
    """Dismissed with "mute" or "unmute" when asked to (the App asks the details and writes)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("m", "dismiss_with('mute')", "Mute…"),
        Binding("u", "dismiss_with('unmute')", "Unmute"),
        Binding("y", "copy_sample", "Copy rows"),
    ]
    WRITES = frozenset({"dismiss_with"})

    def __init__(self, detail: FindingDetail) -> None:
        super().__init__(f"Finding {detail.check}")
        self.detail = detail

    def action_dismiss_with(self, answer: str) -> None:
        self.dismiss(answer)

    def action_copy_sample(self) -> None:
        rows = json.dumps(list(self.detail.sample), default=str, indent=1)
        self.copy(rows, f"{len(self.detail.sample)} sample rows of {self.detail.check}")

    def body(self) -> Iterable[Widget]:
        d = self.detail
        count = "—" if d.count is None else f"{d.count:,}"
        if d.total is not None:
            count += f" of {d.total:,}"
        state = d.state or d.outcome
        muted = f" · muted until {d.mute.until:%Y-%m-%d}: {d.mute.reason}" if d.mute else ""
        lines = [
            f"{d.severity} · {d.family} · {state} · {count} rows{muted}",
            f"checked {when(d.checked_at)} (run {d.run_id}); failing since {when(d.failing_since)}",
            d.message,
        ]
        if d.error:
            lines.append(f"could not run: {d.error}")
        yield text_block(lines)
        yield text_block([f"fix: {d.action}" if d.action else "fix: nothing to do"], classes="hint")
        columns: list[str] = []
        for row in d.sample:
            columns += [name for name in row if name not in columns]
        table: DataTable[str] = ReadingTable(zebra_stripes=True)
        if columns:
            table.add_columns(*columns)
            for row in d.sample:
                table.add_row(*(_cell(row.get(name)) for name in columns))
        else:
            yield text_block(["no sample rows"], classes="hint")
        yield table
