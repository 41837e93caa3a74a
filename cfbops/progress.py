"""Progress events every long operation reports: done/total, rate, ETA."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

MIN_UNITS_FOR_RATE = 2


@dataclass(frozen=True, slots=True)
class Progress:
    """One step of a long operation: `done` of `total` units, with what just happened."""

    task: str
    done: int
    total: int | None
    message: str = ""
    started_at: float = field(default_factory=time.monotonic)

    @property
    def elapsed_s(self) -> float:
        return max(time.monotonic() - self.started_at, 1e-9)

    @property
    def rate_per_s(self) -> float | None:
        """Units per second; None until two units are done (a rate from nothing, or from one
        step's time, says nothing about the next ones)."""
        if self.done < MIN_UNITS_FOR_RATE:
            return None
        return self.done / self.elapsed_s

    @property
    def eta_s(self) -> float | None:
        rate = self.rate_per_s
        if not self.total or rate is None:
            return None
        return max(self.total - self.done, 0) / rate

    def line(self) -> str:
        """A one-line rendering: `[3/19] message — 2.1/s, ETA 8s`, the rate left out until
        it means something."""
        count = f"{self.done}/{self.total}" if self.total else str(self.done)
        text = f"{self.task} [{count}]"
        if self.message:
            text += f" {self.message}"
        rate = self.rate_per_s
        if rate is None:
            return text
        tail = f"{rate:.1f}/s"
        if self.eta_s is not None and self.done < (self.total or 0):
            tail += f", ETA {self.eta_s:.0f}s"
        return f"{text} — {tail}"


ProgressCallback = Callable[[Progress], None]


def ignore_progress(_: Progress) -> None:
    """A progress callback for callers that do not show progress."""


class TaskProgress:
    """Reports the steps of one task to a callback, timing from the task's start."""

    def __init__(self, callback: ProgressCallback, task: str, total: int | None = None) -> None:
        self.callback = callback
        self.task = task
        self.total = total
        self.done = 0
        self.started_at = time.monotonic()

    def step(self, message: str = "", *, advance: int = 1) -> None:
        self.done += advance
        self.callback(Progress(self.task, self.done, self.total, message, self.started_at))

    def note(self, message: str) -> None:
        """Something worth saying that is not a finished unit of work."""
        self.callback(Progress(self.task, self.done, self.total, message, self.started_at))
