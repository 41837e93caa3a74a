"""One check's latest finding up close, for the console's drill-down: its sample rows and
what to do about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cfbops.config import Settings
from cfbops.db.connect import connect, one_line_database_errors
from cfbops.errors import UsageError
from cfbops.quality.history import Mute, history_exists
from cfbops.quality.mutes import current_mute

LATEST_RESULT_SQL = """
SELECT c.run_id, r.finished_at, c.family, c.severity, c.outcome, c.state, c.count, c.total,
       c.message, c.action, c.sample, c.error, c.muted,
       (SELECT min(r2.finished_at) FROM ops.check_result AS c2
        JOIN ops.check_run AS r2 USING (run_id)
        WHERE c2.check_name = c.check_name AND c2.outcome = 'failed'
          AND c2.run_id > coalesce((SELECT max(c3.run_id) FROM ops.check_result AS c3
                                    WHERE c3.check_name = c.check_name
                                      AND c3.outcome = 'passed'), 0)) AS failing_since
FROM ops.check_result AS c
JOIN ops.check_run AS r USING (run_id)
WHERE c.check_name = %s
ORDER BY c.run_id DESC
LIMIT 1
"""


@dataclass(frozen=True, slots=True)
class FindingDetail:
    check: str
    run_id: int
    checked_at: datetime | None
    family: str
    severity: str
    outcome: str
    state: str | None
    count: int | None
    total: int | None
    message: str
    action: str  # the fix hint
    sample: tuple[dict[str, Any], ...]
    error: str | None
    mute: Mute | None  # the mute standing today (set or lifted since the run shows at once)
    failing_since: datetime | None  # the first run of the current failing streak

    @property
    def muted(self) -> bool:
        return self.mute is not None


def finding_detail(settings: Settings, check: str) -> FindingDetail:
    """Read-only: the check's result in the last run it was part of."""
    with (
        one_line_database_errors("the finding could not be read"),
        connect(settings, application_name="cfbops finding detail") as conn,
    ):
        row = conn.execute(LATEST_RESULT_SQL, (check,)).fetchone() if history_exists(conn) else None
        mute = current_mute(conn, check)
    if row is None:
        raise UsageError(f"check {check!r} has no stored result; run the checks first (c)")
    (run_id, at, family, severity, outcome, state, count, total, message, action) = row[:10]
    sample, error, _muted_then, since = row[10:]
    return FindingDetail(
        check=check,
        run_id=run_id,
        checked_at=at,
        family=family,
        severity=severity,
        outcome=outcome,
        state=state,
        count=count,
        total=total,
        message=message,
        action=action or "",
        sample=tuple(sample or ()),
        error=error,
        mute=mute,
        failing_since=since,
    )
