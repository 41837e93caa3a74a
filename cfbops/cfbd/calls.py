"""The ledger's recent calls, newest first, for the console's budget drill-down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cfbops.config import Settings
from cfbops.db.connect import connect, one_line_database_errors
from cfbops.queries import package_sql

RECENT_CALLS_LIMIT = 50


@dataclass(frozen=True, slots=True)
class LedgerCall:
    """One attempt at a CFBD request as the ledger booked it (outcome None: in flight)."""

    id: int
    called_at: datetime
    endpoint: str
    params: dict[str, Any]
    status: int | None
    outcome: str | None
    rows: int | None
    duration_ms: int | None
    metered: bool
    error: str | None
    holder: str | None  # the run whose reservation paid for it; None for free calls


def recent_calls(settings: Settings, limit: int = RECENT_CALLS_LIMIT) -> tuple[LedgerCall, ...]:
    """Read-only. The key is sent in a header, never stored, so no row can hold it."""
    with (
        one_line_database_errors("the call ledger could not be read"),
        connect(settings, application_name="cfbops ledger") as conn,
    ):
        exists = conn.execute("SELECT to_regclass('ops.cfbd_calls') IS NOT NULL").fetchone()
        if not (exists and exists[0]):
            return ()
        return tuple(
            LedgerCall(*row)
            for row in conn.execute(package_sql("cfbops.cfbd", "recent_calls"), (limit,))
        )
