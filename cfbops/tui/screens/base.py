"""What every drill-down shares: a framed modal with a title, a body, and a footer that
teaches its keys; escape goes back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from cfbops.tui.footer import ConsoleFooter

ResultType = TypeVar("ResultType")


class DrillDown(ModalScreen[ResultType]):
    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Back")]
    # This screen's actions that write: shown dimmed, and not run, under --read-only.
    WRITES: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, title: str) -> None:
        super().__init__()
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="drill"):
            yield Static(self.heading, classes="drill-title", markup=False)
            yield from self.body()
        yield ConsoleFooter()

    def body(self) -> Iterable[Widget]:
        return ()

    def action_close(self) -> None:
        self.dismiss(None)  # type: ignore[arg-type]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.WRITES and getattr(self.app, "read_only", False):
            return None  # dimmed in the footer, the key does nothing
        return True

    def copy(self, text: str, what: str) -> None:
        """Put `text` on the clipboard of the terminal (OSC 52: works over SSH too)."""
        self.app.copy_to_clipboard(text)
        self.notify(f"copied {what}")


def when(moment: datetime | None) -> str:
    """A timestamp as the console prints it: UTC, to the minute."""
    if moment is None:
        return "—"
    return moment.strftime("%Y-%m-%d %H:%M")


def milliseconds(ms: float | None) -> str:
    if ms is None:
        return "—"
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def text_block(lines: Iterable[str], classes: str = "") -> Static:
    """Plain text, never read as markup (SQL and sample rows hold brackets)."""
    return Static("\n".join(lines), markup=False, classes=classes)


class TextScreen(DrillDown[None]):
    """Plain lines under a title (the full text of an error)."""

    def __init__(self, title: str, lines: Iterable[str]) -> None:
        super().__init__(title)
        self.lines = tuple(lines)

    def body(self) -> Iterable[Widget]:
        yield text_block(self.lines)
