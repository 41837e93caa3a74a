"""Typed messages the console's workers post; handlers on the App own the state."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from cfbops.tui.data import ConsoleSnapshot


@dataclass
class SnapshotReady(Message):
    """A poll finished: every pane takes its section from this snapshot."""

    snapshot: ConsoleSnapshot
    poll_s: float = 0.0  # how long the poll took


@dataclass
class ConnectionLost(Message):
    """A poll could not reach the database; the next try is `retry_in_s` away."""

    reason: str
    retry_in_s: float
