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

    def compose(self) -> ComposeResult:
        yield Static("", id="action-text", markup=False)
        yield ProgressBar(total=None, show_eta=False, id="action-progress")

    def show_progress(self, action: str, progress: Progress) -> None:
        self.query_one("#action-text", Static).update(progress.line())
        bar = self.query_one(ProgressBar)
        if progress.total:
            bar.update(total=progress.total, progress=progress.done)

    def show_outcome(self, summary: str) -> None:
        self.query_one("#action-text", Static).update(summary)
