"""The progress line above the footer: the running action's done/total, rate, ETA and current
step (a lock wait names who holds it up); once nothing runs, the last outcome."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from cfbops.progress import Progress
from cfbops.tui.panes.text import span
from cfbops.tui.repaint import set_text

IDLE = "nothing running · L: activity"


def progress_line(progress: Progress) -> str:
    """`refresh 3/19 · 2.1/s · ETA 8s · marts.x refreshed …`: the figures first, so a narrow
    terminal cuts the step's text, not the count."""
    count = f"{progress.done}/{progress.total}" if progress.total else f"{progress.done}"
    parts = [f"{progress.task} {count}"]
    rate = progress.rate_per_s
    if rate is not None:
        parts.append(f"{rate:.1f}/s" if rate >= 1 else f"{rate * 60:.1f}/min")
        eta = progress.eta_s
        if eta is not None and progress.done < (progress.total or 0):
            parts.append(f"ETA {span(eta)}")
    if progress.message:
        parts.append(progress.message)
    return " · ".join(parts)


class ActionBar(Horizontal):
    DEFAULT_CSS = """
    ActionBar {
        height: 1;
        background: $panel;
    }
    ActionBar #action-text {
        width: 1fr;
    }
    ActionBar ProgressBar {
        width: 24;
    }
    ActionBar ProgressBar Bar {
        width: 24;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Each running action's last step, in the order they started.
        self.running: dict[str, Progress | None] = {}
        self.last_outcome = ""
        self.note = ""
        self.done: int | None = None
        self.total: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(IDLE, id="action-text", markup=False)
        yield ProgressBar(total=100, show_eta=False, show_percentage=False, id="action-progress")

    def on_mount(self) -> None:
        self._show()

    @property
    def text(self) -> str:
        return str(self.query_one("#action-text", Static).content)

    def started(self, action: str) -> None:
        self.running.setdefault(action, None)
        self._show()

    def show_progress(self, action: str, progress: Progress) -> None:
        self.running[action] = progress
        self._show()

    def show_outcome(self, action: str, summary: str) -> None:
        self.running.pop(action, None)
        self.last_outcome = summary
        self._show()

    def show_note(self, text: str) -> None:
        """A line that stands until the next step (quitting: what is being stopped)."""
        self.note = text
        set_text(self.query_one("#action-text", Static), text, layout=False)

    def running_line(self, action: str) -> str:
        """What `action` is doing now, as the line shows it."""
        progress = self.running.get(action)
        return progress_line(progress) if progress else f"{action} starting…"

    def _line(self) -> tuple[str, Progress | None]:
        if not self.running:
            return (f"{IDLE} · last: {self.last_outcome}" if self.last_outcome else IDLE), None
        action, progress = next(reversed(self.running.items()))
        text = progress_line(progress) if progress else f"{action} starting…"
        if len(self.running) > 1:
            others = ", ".join(a for a in self.running if a != action)
            text += f" (also running: {others})"
        return text, progress

    def _show(self) -> None:
        texts = self.query("#action-text")
        if not texts:
            return
        text, progress = self._line()
        # One line a fraction of the bar wide: a new text repaints the line, not the screen.
        set_text(texts.first(Static), text, layout=False)
        meter = self.query_one(ProgressBar)
        shown = progress is not None and bool(progress.total)
        if meter.display != shown:
            meter.display = shown
        if progress is not None and progress.total:
            self.done, self.total = progress.done, progress.total
            if (meter.total, meter.progress) != (self.total, self.done):
                meter.update(total=self.total, progress=self.done)
