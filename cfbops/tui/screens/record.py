"""An applied (or failed) migration's record: every attempt the history kept, the checksum it
ran with, and its SQL; `y` copies the SQL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget

from cfbops.migrate.record import MigrationRecord
from cfbops.tui.screens.base import DrillDown, text_block


class MigrationRecordScreen(DrillDown[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("y", "copy", "Copy SQL"),
    ]

    def __init__(self, record: MigrationRecord) -> None:
        super().__init__(f"Migration {record.key}")
        self.record = record

    def body(self) -> Iterable[Widget]:
        yield text_block(self.record.lines())
        with VerticalScroll():
            yield text_block((self.record.sql or "").splitlines() or ["(no SQL on disk)"])

    def action_copy(self) -> None:
        if self.record.sql:
            self.copy(self.record.sql, f"the SQL of {self.record.file_name}")
