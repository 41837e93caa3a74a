"""Typed messages the console's workers post (polls, actions); the App's handlers own the state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.screen import Screen

from cfbops.progress import Progress
from cfbops.tui.data import ConsoleSnapshot


@dataclass
class SnapshotReady(Message):
    """A poll finished: every pane takes its section from this snapshot."""

    snapshot: ConsoleSnapshot
    poll_s: float = 0.0  # how long the poll took


@dataclass
class ConnectionLost(Message):
    """A poll could not reach the database; the next try is `retry_in_s` away; `detail` is
    the whole error."""

    reason: str
    retry_in_s: float
    detail: str = ""


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
