"""The last run's findings as the console's quality table lists them, each with its "since"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg

from cfbops.quality.history import history_exists

# Failed checks (new or still open) and those the last run saw resolved, worst first. `since`
# is when the finding last appeared as new: how long it has stood. Muted is as of now (a mute
# set or lifted since the run shows at once).
STANDING_SQL = """
WITH last AS (SELECT max(run_id) AS run_id FROM ops.check_run)
SELECT c.check_name, c.severity, c.count, c.state,
       coalesce((SELECT m.until >= current_date FROM ops.check_mute AS m
                 WHERE m.check_name = c.check_name ORDER BY m.mute_id DESC LIMIT 1), false),
       c.message,
       (SELECT r.finished_at
        FROM ops.check_result AS n JOIN ops.check_run AS r USING (run_id)
        WHERE n.check_name = c.check_name AND n.state = 'new' AND n.run_id <= c.run_id
        ORDER BY n.run_id DESC LIMIT 1) AS since
FROM ops.check_result AS c, last
WHERE c.run_id = last.run_id AND (c.outcome = 'failed' OR c.state = 'resolved')
ORDER BY CASE c.state WHEN 'resolved' THEN 1 ELSE 0 END,
         CASE c.severity WHEN 'error' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END,
         c.check_name
"""


@dataclass(frozen=True, slots=True)
class StandingFinding:
    check: str
    severity: str
    count: int | None
    state: str | None  # new, open or resolved
    muted: bool
    message: str
    since: datetime | None


def standing_findings(conn: psycopg.Connection) -> tuple[StandingFinding, ...]:
    """Read-only; empty before the first `check` run."""
    if not history_exists(conn):
        return ()
    return tuple(StandingFinding(*row) for row in conn.execute(STANDING_SQL))
