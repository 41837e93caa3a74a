"""What a check is, and what running it found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import psycopg

SAMPLE_ROWS = 10


class Severity(Enum):
    ERROR = "error"
    WARN = "warn"
    INFO = "info"


class CheckOutcome(Enum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not_run"  # a missing table, a timeout: reported, and the others go on


class FindingState(Enum):
    NEW = "new"
    OPEN = "open"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class Failing:
    """What a check's evaluation returns: how many rows fail, a few of them, and (for a
    percentage threshold) out of how many."""

    count: int
    sample: tuple[dict[str, Any], ...]
    total: int | None = None
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may need beyond its connection."""

    contract_path: Any = None  # Path of SCHEMA_CONTRACT.md


Evaluate = Callable[[psycopg.Connection, CheckContext], Failing]


@dataclass(frozen=True, slots=True)
class Check:
    """One check: a query returning failing rows (or a Python evaluation), a severity, a
    threshold (a count, or a percentage of `total_query`), and what to say and do."""

    name: str
    family: str
    severity: Severity
    message: str  # formatted with {count}, {total}, {pct}, {summary}
    action: str = ""
    query: str | None = None
    threshold: float = 0
    percent: bool = False
    total_query: str | None = None
    summary: str | None = None  # an aggregate over the failing rows, e.g. a season range
    evaluate: Evaluate | None = field(default=None, compare=False)

    def fails(self, failing: Failing) -> bool:
        if self.percent:
            return (
                failing.total is not None
                and failing.total > 0
                and (100.0 * failing.count / failing.total >= self.threshold)
            )
        return failing.count > self.threshold

    def render(self, text: str, failing: Failing) -> str:
        pct = 100.0 * failing.count / failing.total if failing.total else 0.0
        return text.format(
            count=failing.count,
            total=failing.total if failing.total is not None else "?",
            pct=f"{pct:.1f}",
            summary=failing.summary or "",
        )


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check in one run. A finding is a failed result (or a resolved one)."""

    check: str
    family: str
    severity: Severity
    outcome: CheckOutcome
    message: str
    action: str = ""
    count: int | None = None
    total: int | None = None
    sample: tuple[dict[str, Any], ...] = ()
    error: str | None = None
    duration_ms: float = 0.0
    state: FindingState | None = None
    muted: bool = False

    @property
    def is_finding(self) -> bool:
        return self.outcome is CheckOutcome.FAILED or self.state is FindingState.RESOLVED

    @property
    def blocking(self) -> bool:
        """An unmuted error-severity finding: `check` exits 1 while one stands."""
        return (
            self.outcome is CheckOutcome.FAILED
            and self.severity is Severity.ERROR
            and not self.muted
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "family": self.family,
            "severity": self.severity.value,
            "count": self.count,
            "state": self.state.value if self.state else None,
            "message": self.message,
            "action": self.action,
            "sample": list(self.sample),
            "muted": self.muted,
            "total": self.total,
            "duration_ms": round(self.duration_ms, 1),
        }
