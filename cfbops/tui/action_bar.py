"""The line under the panes showing the running action's progress (done/total, rate, ETA)
and, once it ends, its one-line outcome."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from cfbops.progress import Progress


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
        texts.first(Static).update(self.text)
        if self.total:
            self.query_one(ProgressBar).update(total=self.total, progress=self.done)
