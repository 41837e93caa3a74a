"""One `check` run end to end: checks on a read-only connection, states and mutes from the
history, the run stored on a second (writing) connection."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cfbops.api_contract import CONTRACT_FILE
from cfbops.config import Settings
from cfbops.db.connect import connect, require_writable, resolve_target
from cfbops.errors import ExitCode, UsageError
from cfbops.progress import ProgressCallback
from cfbops.quality.history import (
    Mute,
    active_mutes,
    add_mute,
    ensure_history_schema,
    history_exists,
    last_outcomes,
    lift_mute,
    record_run,
    with_states,
)
from cfbops.quality.models import CheckContext, CheckOutcome, CheckResult, FindingState, Severity
from cfbops.quality.registry import require_check, select_checks
from cfbops.quality.runner import DEFAULT_CHECK_TIMEOUT, run_checks

APPLICATION_NAME = "cfbops check"


@dataclass(frozen=True, slots=True)
class QualityRun:
    """The results of one run: every check, and whether (and as which run) it was stored."""

    results: tuple[CheckResult, ...]
    wall_ms: float
    run_id: int | None  # None under --read-only: nothing was stored
    mute: Mute | None = None
    # The mute --unmute ended (None when the run unmuted nothing).
    unmuted: Mute | None = None

    @property
    def findings(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.is_finding)

    @property
    def not_run(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.outcome is CheckOutcome.NOT_RUN)

    @property
    def ok(self) -> bool:
        return not any(r.blocking for r in self.results)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.ok else ExitCode.FAILED

    def summary(self) -> str:
        """One line: checks run, errors and warnings, what changed, and where it was stored."""
        stored = f"run {self.run_id}" if self.run_id is not None else "not stored (read-only)"
        new = sum(1 for r in self.results if r.state is FindingState.NEW)
        resolved = sum(1 for r in self.results if r.state is FindingState.RESOLVED)
        return (
            f"{len(self.results)} checks in {self.wall_ms / 1000:.1f}s: "
            f"{self.count(Severity.ERROR)} errors, {self.count(Severity.WARN)} warnings, "
            f"{new} new, {resolved} resolved; {stored}"
        )

    def count(self, severity: Severity) -> int:
        return sum(
            1
            for r in self.results
            if r.outcome is CheckOutcome.FAILED and r.severity is severity and not r.muted
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "findings": [r.as_dict() for r in self.findings],
            "not_run": [
                {
                    "check": r.check,
                    "family": r.family,
                    "severity": r.severity.value,
                    "error": r.error,
                }
                for r in self.not_run
            ],
            "checks": len(self.results),
            "passed": sum(1 for r in self.results if r.outcome is CheckOutcome.PASSED),
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARN),
            "new": sum(1 for r in self.results if r.state is FindingState.NEW),
            "resolved": sum(1 for r in self.results if r.state is FindingState.RESOLVED),
            "run_id": self.run_id,
            "wall_ms": round(self.wall_ms, 1),
            "mute": dataclasses.asdict(self.mute) if self.mute else None,
            "unmuted": dataclasses.asdict(self.unmuted) if self.unmuted else None,
        }


def default_contract_path(settings: Settings) -> Path:
    """SCHEMA_CONTRACT.md beside the schema's sql/ directory (inside the package by default)."""
    return settings.sql_dir.parent / CONTRACT_FILE


def parse_mute_until(text: str, today: date | None = None) -> date:
    try:
        until = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--until {text!r} is not a date (YYYY-MM-DD)") from None
    if until < (today or date.today()):
        raise UsageError(f"--until {until.isoformat()} is in the past; give the last day to mute")
    return until


def check_database(
    settings: Settings,
    selectors: Sequence[str] = (),
    *,
    contract_path: Path | None = None,
    statement_timeout: str = DEFAULT_CHECK_TIMEOUT,
    mute: tuple[str, date, str] | None = None,
    unmute: str | None = None,
    progress: ProgressCallback | None = None,
) -> QualityRun:
    """Run the selected checks, compare with the last run, store the run (unless read-only)."""
    checks = select_checks(selectors)
    if mute is not None:
        require_check(mute[0])
        if not mute[2].strip():
            raise UsageError("--reason is empty; say why the check is muted")
        require_writable(settings, "check --mute")
    if unmute is not None:
        if mute is not None:
            raise UsageError("--mute and --unmute go one at a time")
        require_check(unmute)
        require_writable(settings, "check --unmute")
    context = CheckContext(contract_path=contract_path or default_contract_path(settings))
    target = resolve_target(settings)
    started = time.perf_counter()
    reader_settings = dataclasses.replace(settings, read_only=True)
    with connect(reader_settings, target=target, application_name=APPLICATION_NAME) as reader:
        if unmute is not None and unmute not in (
            active_mutes(reader) if history_exists(reader) else {}
        ):
            raise UsageError(f"{unmute} is not muted: nothing to unmute")
        results = run_checks(
            reader, checks, context, statement_timeout=statement_timeout, progress=progress
        )
    wall_ms = (time.perf_counter() - started) * 1000
    names = [c.name for c in checks]
    with connect(settings, target=target, application_name=APPLICATION_NAME) as conn:
        if settings.read_only:
            stored = history_exists(conn)
            previous = last_outcomes(conn, names) if stored else {}
            mutes = active_mutes(conn) if stored else {}
            return QualityRun(with_states(results, previous, mutes), wall_ms, None)
        ensure_history_schema(conn)
        lifted = lift_mute(conn, unmute) if unmute is not None else None
        added = add_mute(conn, *mute) if mute is not None else None
        previous = last_outcomes(conn, names)
        stated = with_states(results, previous, active_mutes(conn))
        run_id = record_run(conn, list(selectors), stated, wall_ms, APPLICATION_NAME)
    return QualityRun(stated, wall_ms, run_id, added, lifted)
