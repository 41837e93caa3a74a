"""A yes/no question before a writing action: y goes ahead, n or escape does nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widget import Widget

from cfbops.tui.screens.base import DrillDown, text_block


class ConfirmScreen(DrillDown[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, go ahead"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "Back"),
    ]

    def __init__(self, question: str, details: Iterable[str] = ()) -> None:
        super().__init__(question)
        self.details = tuple(details)

    def body(self) -> Iterable[Widget]:
        yield text_block(self.details)
        yield text_block(["y: go ahead · n: cancel"], classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
