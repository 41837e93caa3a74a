"""What a refresh plans and reports: states, modes and per-mart results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from cfbops.errors import ExitCode


class RefreshMode(Enum):
    """How the run asks for marts to be refreshed."""

    AUTO = "auto"
    CONCURRENT = "concurrent"
    PLAIN = "plain"


class AppliedMode(Enum):
    """How one mart was (or will be) refreshed."""

    CONCURRENT = "concurrent"
    PLAIN = "plain"


class MartStatus(Enum):
    REFRESHED = "refreshed"
    FRESH = "fresh"
    SKIPPED = "skipped"
    FAILED = "failed"


class RunStatus(Enum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    CANCELLED = "cancelled"  # stopped on request (the console's cancel)


@dataclass(frozen=True, slots=True)
class PlannedMart:
    """One mart the run considers: refresh it (and how, and why) or leave it fresh."""

    name: str
    refresh: bool
    mode: AppliedMode | None
    reason: str
    statement_timeout: str
    waits_for: tuple[str, ...]
    work_mem: str | None = None  # ops.mart_setting's; None keeps the server's
    mode_reason: str = ""  # why this mode (marts.modes.choose_mode)
    analyze: bool = True  # False: same contents as at its last refresh, statistics hold
    known_rows: int | None = None  # its rows at its last refresh by cfbops


@dataclass(frozen=True, slots=True)
class RefreshPlan:
    """The marts a run considers, in a valid refresh order."""

    marts: tuple[PlannedMart, ...]
    selection: tuple[str, ...]
    stale_only: bool
    mode: RefreshMode
    warnings: tuple[str, ...] = ()

    @property
    def to_refresh(self) -> tuple[PlannedMart, ...]:
        return tuple(m for m in self.marts if m.refresh)


@dataclass(frozen=True, slots=True)
class MartResult:
    """What happened to one mart in a run (a `views` entry of `refresh --json`, and more)."""

    name: str
    status: MartStatus
    mode: AppliedMode | None = None
    duration_ms: float | None = None
    rows: int | None = None
    error: str | None = None
    reason: str = ""
    started_at: datetime | None = None
    rows_estimated: bool = False
    analyze_ms: float | None = None
    median_ms: float | None = None
    regression: bool = False
    mode_reason: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "status": self.status.value,
            "mode": self.mode.value if self.mode else None,
            "mode_reason": self.mode_reason or None,
            "duration_ms": None if self.duration_ms is None else round(self.duration_ms, 1),
            "rows": self.rows,
            "error": self.error,
            "reason": self.reason,
            "started_at": self.started_at,
            "rows_estimated": self.rows_estimated,
            "analyze_ms": None if self.analyze_ms is None else round(self.analyze_ms, 1),
            "median_ms": None if self.median_ms is None else round(self.median_ms, 1),
            "regression": self.regression,
        }


@dataclass(frozen=True, slots=True)
class RefreshRun:
    """One finished refresh run: every mart considered, in refresh order, and the wall time."""

    run_id: int | None
    views: tuple[MartResult, ...]
    wall_ms: float
    workers: int
    mode: RefreshMode
    stale_only: bool
    selection: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(v.status is MartStatus.FAILED for v in self.views)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.ok else ExitCode.FAILED

    def count(self, status: MartStatus) -> int:
        return sum(1 for v in self.views if v.status is status)

    def counts(self) -> str:
        """`3 refreshed, 1 failed`: each status the run has, in the enum's order."""
        return ", ".join(
            f"{self.count(status)} {status.value}" for status in MartStatus if self.count(status)
        )

    def summary(self) -> str:
        """One line: how many marts ended how, in how long, with how many workers."""
        if not self.views:
            return "no materialized views to refresh"
        workers = "1 worker" if self.workers == 1 else f"{self.workers} workers"
        return f"{self.counts()} in {self.wall_ms / 1000:.1f}s ({workers}, run {self.run_id})"

    def as_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "views": [v.as_dict() for v in self.views],
            "wall_ms": round(self.wall_ms, 1),
            "workers": self.workers,
            "mode": self.mode.value,
            "stale_only": self.stale_only,
            "selection": list(self.selection),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True)
class MartState:
    """A mart as the console shows it: last refresh, its trend, and whether it is stale."""

    name: str
    populated: bool
    concurrent_ok: bool
    stale: bool
    stale_reason: str
    last_refreshed_at: datetime | None
    last_duration_ms: float | None
    last_rows: int | None
    median_ms: float | None
    regression: bool
    upstream: tuple[str, ...]
