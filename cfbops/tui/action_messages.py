"""Typed messages the action workers post; the App's handlers own what the screen shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.screen import Screen

from cfbops.progress import Progress


@dataclass
class ActionProgress(Message):
    """One step of a running action. A newer step of the same action replaces one still
    queued, so a fast refresh never floods the event loop."""

    action: str
    progress: Progress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ActionProgress) and message.action == self.action


@dataclass
class ActionFinished(Message):
    """An action ended: `summary` is one line; `ok` False when something in it failed."""

    action: str
    summary: str
    ok: bool = True


@dataclass
class DrillDownReady(Message):
    """A worker read what a drill-down shows; the handler builds and pushes the screen (on
    the event loop: widgets are never made in a worker), `on_result` gets its answer."""

    build: Callable[[], Screen[Any]]
    on_result: Callable[[Any], None] | None = None
