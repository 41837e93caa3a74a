"""The line under the panes showing the running action's progress (done/total, rate, ETA)
and, once it ends, its one-line outcome."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from cfbops.progress import Progress
from cfbops.tui.repaint import set_text


class ActionBar(Horizontal):
    DEFAULT_CSS = """
    ActionBar {
        dock: bottom;
        height: 1;
        background: $panel;
    }
    ActionBar #action-text {
        width: 1fr;
    }
    ActionBar ProgressBar {
        width: 36;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Kept until the children exist: the first message can arrive before they mount.
        self.text = ""
        self.done: int | None = None
        self.total: int | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="action-text", markup=False)
        yield ProgressBar(total=100, show_eta=False, id="action-progress")

    def on_mount(self) -> None:
        self._show()

    def show_progress(self, action: str, progress: Progress) -> None:
        self.text = progress.line()
        if progress.total:
            self.done, self.total = progress.done, progress.total
        self._show()

    def show_outcome(self, summary: str) -> None:
        self.text = summary
        self._show()

    def _show(self) -> None:
        texts = self.query("#action-text")
        if not texts:
            return
        # One line a fraction of the bar wide: a new text repaints the line, not the screen.
        set_text(texts.first(Static), self.text, layout=False)
        meter = self.query_one(ProgressBar)
        if self.total and (meter.total, meter.progress) != (self.total, self.done):
            meter.update(total=self.total, progress=self.done)
