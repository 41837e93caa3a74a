"""Questions before a writing action: y goes ahead, n or escape does nothing; a riskier one
(a file with lint errors) asks for its version to be typed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Input, Static

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


class TypedConfirmScreen(DrillDown[bool]):
    """Goes ahead only when `expected` is typed and enter pressed; escape does nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "answer(False)", "Back")]

    def __init__(self, question: str, details: Iterable[str], expected: str) -> None:
        super().__init__(question)
        self.details = tuple(details)
        self.expected = expected

    def body(self) -> Iterable[Widget]:
        yield text_block(self.details)
        yield text_block(
            [f"type {self.expected} and enter to go ahead · escape: cancel"], classes="hint"
        )
        yield Input(placeholder=self.expected, id="typed")
        yield Static("", id="typed-problem", classes="problem", markup=False)

    def on_mount(self) -> None:
        self.query_one("#typed", Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if event.value.strip() == self.expected:
            self.dismiss(True)
            return
        self.query_one("#typed-problem", Static).update(
            f"{event.value.strip() or 'nothing'} is not {self.expected}: nothing was applied"
        )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
