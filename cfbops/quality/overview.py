"""The quality section of `status`: the last run, its standing errors and warnings, and the
newest finding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from cfbops.quality.history import history_exists

LAST_RUN_SQL = """
SELECT r.run_id, r.finished_at,
       count(*) FILTER (WHERE c.outcome = 'failed' AND c.severity = 'error' AND NOT c.muted),
       count(*) FILTER (WHERE c.outcome = 'failed' AND c.severity = 'warn' AND NOT c.muted),
       count(*) FILTER (WHERE c.outcome = 'not_run')
FROM ops.check_run AS r
LEFT JOIN ops.check_result AS c USING (run_id)
WHERE r.run_id = (SELECT max(run_id) FROM ops.check_run)
GROUP BY r.run_id, r.finished_at
"""

NEWEST_FINDING_SQL = """
SELECT c.check_name, c.severity, c.message, r.finished_at
FROM ops.check_result AS c
JOIN ops.check_run AS r USING (run_id)
WHERE c.state = 'new'
ORDER BY c.run_id DESC, CASE c.severity WHEN 'error' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END,
         c.check_name
LIMIT 1
"""


@dataclass(frozen=True, slots=True)
class NewestFinding:
    check: str
    severity: str
    message: str
    found_at: datetime | None


@dataclass(frozen=True, slots=True)
class QualityOverview:
    last_run_id: int | None
    last_run_at: datetime | None
    errors: int
    warnings: int
    not_run: int
    newest: NewestFinding | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "last_run_at": self.last_run_at,
            "errors": self.errors,
            "warnings": self.warnings,
            "not_run": self.not_run,
            "run_id": self.last_run_id,
            "newest_finding": (
                {
                    "check": self.newest.check,
                    "severity": self.newest.severity,
                    "message": self.newest.message,
                    "found_at": self.newest.found_at,
                }
                if self.newest
                else None
            ),
        }

    def __str__(self) -> str:
        if self.last_run_id is None:
            return "never checked (cfbops --headless check)"
        when = f" at {self.last_run_at:%Y-%m-%d %H:%M}" if self.last_run_at else ""
        text = f"last run {self.last_run_id}{when}: {self.errors} errors, {self.warnings} warnings"
        if self.not_run:
            text += f", {self.not_run} could not run"
        if self.newest:
            text += f"; newest: {self.newest.check} ({self.newest.severity}): {self.newest.message}"
        return text


def quality_overview(conn: psycopg.Connection) -> QualityOverview:
    """Read-only; a database cfbops never checked has an overview with no run."""
    if not history_exists(conn):
        return QualityOverview(None, None, 0, 0, 0, None)
    row = conn.execute(LAST_RUN_SQL).fetchone()
    if row is None:
        return QualityOverview(None, None, 0, 0, 0, None)
    newest = conn.execute(NEWEST_FINDING_SQL).fetchone()
    return QualityOverview(
        last_run_id=row[0],
        last_run_at=row[1],
        errors=row[2],
        warnings=row[3],
        not_run=row[4],
        newest=NewestFinding(*newest) if newest else None,
    )
