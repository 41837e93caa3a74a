"""A console snapshot read from a real seeded database, then pinned so a picture of it is the
same on every run and machine: the clock, every timestamp, every measured time and rate, and
the target's identity (its port and server version differ between machines). Counts stay
what the database said: the seed is deterministic, so they are stable without pinning."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cfbops.status import DatabaseIdentity
from cfbops.tui.data import ConsoleSnapshot

PINNED_NOW = datetime(2026, 11, 18, 15, 30, tzinfo=UTC)
PINNED_IDENTITY = DatabaseIdentity(
    url="postgresql://cfbops:****@127.0.0.1:5432/cfbops_demo", server_version="17.2", embedded=True
)
# Fields whose pinned value must keep its meaning, not just be stable.
PINNED_FIELDS: dict[str, Any] = {
    "resets_at": datetime(2026, 12, 1, tzinfo=UTC),
    "taken_at": PINNED_NOW,
    "last_day": PINNED_NOW.date(),
    "database": PINNED_IDENTITY,
}


def _stable(path: str) -> int:
    return int.from_bytes(hashlib.sha256(path.encode()).digest()[:4], "big")


def pinned(value: Any, path: str = "") -> Any:
    """`value` with every datetime and float replaced by one derived from where it sits."""
    if isinstance(value, datetime):
        return PINNED_NOW - timedelta(seconds=60 + _stable(path) % 7200)
    if isinstance(value, date):
        return PINNED_NOW.date()
    if isinstance(value, bool | int | str) or value is None or hasattr(value, "value"):
        return value  # counts, names, flags and enums: the database's own
    if isinstance(value, float):
        return float(5 + _stable(path) % 2000)
    if isinstance(value, tuple):
        return tuple(pinned(v, f"{path}[{i}]") for i, v in enumerate(value))
    if isinstance(value, dict):
        return {k: pinned(v, f"{path}[{k}]") for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            if not field.init:
                continue
            here = f"{path}.{field.name}"
            if field.name in PINNED_FIELDS:
                changes[field.name] = PINNED_FIELDS[field.name]
            else:
                # Names of marts and checks make paths stable where positions may not be.
                changes[field.name] = pinned(getattr(value, field.name), here)
        return dataclasses.replace(value, **changes)
    raise TypeError(f"cannot pin {type(value).__name__} at {path}")


class FixedSource:
    """Hands the App the same pinned snapshot on every poll."""

    def __init__(self, snapshot: ConsoleSnapshot) -> None:
        self.snapshot = snapshot

    def poll(self) -> ConsoleSnapshot:
        return self.snapshot

    def close(self) -> None:
        pass


def fixed_clock() -> datetime:
    return PINNED_NOW
