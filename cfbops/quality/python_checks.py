"""Checks that need more than one query: the API contract, row counts of every mart and api
view (each relation's name composed with psycopg.sql), and the CFBD budget's forecast."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from cfbops.api_contract import ContractReport, read_contract, report_for
from cfbops.cfbd.meter import budget_meter
from cfbops.quality.models import SAMPLE_ROWS, Check, CheckContext, Failing, Severity

API_VIEWS_SQL = """
SELECT c.relname FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = 'api' AND c.relkind IN ('v', 'm')
ORDER BY c.relname
"""

POPULATED_MARTS_SQL = """
SELECT schemaname, matviewname FROM pg_catalog.pg_matviews
WHERE ispopulated ORDER BY schemaname, matviewname
"""


def _failing(rows: list[dict[str, Any]], total: int | None = None) -> Failing:
    return Failing(count=len(rows), sample=tuple(rows[:SAMPLE_ROWS]), total=total)


def contract_report(conn: psycopg.Connection, context: CheckContext) -> ContractReport:
    path = Path(context.contract_path) if context.contract_path else None
    if path is None or not path.is_file():
        raise FileNotFoundError(f"no contract file at {path} (pass --contract FILE)")
    return report_for(conn, read_contract(path))


def contract_breaks(conn: psycopg.Connection, context: CheckContext) -> Failing:
    report = contract_report(conn, context)

    def view_row(view: str | None, change: str) -> dict[str, Any]:
        return {
            "view": view,
            "column": None,
            "change": change,
            "contract_type": None,
            "catalog_type": None,
        }

    if report.empty:  # every view is unrecorded: one row says it
        return _failing([view_row(None, "the contract records no api view")])
    rows = [view_row(v, "view missing") for v in report.missing_views]
    rows += [view_row(v, "view not in the contract") for v in report.unrecorded]
    for kind, changes in (("removed", report.removed), ("retyped", report.retyped)):
        rows.extend(
            {
                "view": c.view,
                "column": c.column,
                "change": kind,
                "contract_type": c.contract_type,
                "catalog_type": c.catalog_type,
            }
            for c in changes
        )
    return _failing(rows)


def contract_additions(conn: psycopg.Connection, context: CheckContext) -> Failing:
    report = contract_report(conn, context)
    return _failing(
        [{"view": c.view, "column": c.column, "catalog_type": c.catalog_type} for c in report.added]
    )


def _has_rows(conn: psycopg.Connection, schema: str, name: str) -> bool:
    query = sql.SQL("SELECT EXISTS (SELECT FROM {})").format(sql.Identifier(schema, name))
    row = conn.execute(query).fetchone()
    return bool(row and row[0])


def empty_api_views(conn: psycopg.Connection, context: CheckContext) -> Failing:
    del context
    names = [r[0] for r in conn.execute(API_VIEWS_SQL)]
    rows = [{"view": f"api.{n}"} for n in names if not _has_rows(conn, "api", n)]
    return _failing(rows, total=len(names))


def empty_marts(conn: psycopg.Connection, context: CheckContext) -> Failing:
    del context
    marts = conn.execute(POPULATED_MARTS_SQL).fetchall()
    rows = [{"mart": f"{s}.{m}"} for s, m in marts if not _has_rows(conn, s, m)]
    return _failing(rows, total=len(marts))


def budget_forecast(conn: psycopg.Connection, context: CheckContext) -> Failing:
    """The budget meter's forecast (the month's burn so far, carried on): one failing row
    when it runs out before the reset. Without the budget's tables the check cannot run."""
    del context
    meter = budget_meter(conn)
    if meter.exhausted_on is None:
        lasts = f"after its reset at {meter.resets_at:%Y-%m-%d %H:%M} UTC"
        return Failing(count=0, sample=(), summary=lasts)
    row = {
        "forecast_exhausted_on": meter.exhausted_on.isoformat(timespec="minutes"),
        "resets_at": meter.resets_at.isoformat(timespec="minutes"),
        "limit": meter.limit,
        "used": meter.used,
        "remaining": meter.remaining,
        "burn_per_day": round(meter.burn_per_day, 1),
        "source": meter.source,
    }
    summary = (
        f"on {meter.exhausted_on:%Y-%m-%d %H:%M} UTC, before its reset at "
        f"{meter.resets_at:%Y-%m-%d %H:%M} UTC ({meter.remaining:,} of {meter.limit:,} calls "
        f"left, burning {meter.burn_per_day:,.0f} a day)"
    )
    return Failing(count=1, sample=(row,), summary=summary)


PYTHON_CHECKS: tuple[Check, ...] = (
    Check(
        name="api_contract_breaks",
        family="api",
        severity=Severity.ERROR,
        message="{count} breaks between the api views and SCHEMA_CONTRACT.md (a view or column "
        "removed or renamed, a type changed family, a view the contract does not record, or a "
        "contract that records none): cfb-app and cfb-scout break",
        action="restore the column (add new ones beside it, or a versioned view …_v2), record a "
        "new view with `cfbops --headless contract --write`; `contract --check` shows the "
        "comparison — see samples",
        evaluate=contract_breaks,
    ),
    Check(
        name="api_contract_additions",
        family="api",
        severity=Severity.INFO,
        message="{count} api columns are not in SCHEMA_CONTRACT.md yet (a compatible change)",
        action="run `cfbops --headless contract --write` and describe them in the file",
        evaluate=contract_additions,
    ),
    Check(
        name="api_views_empty",
        family="api",
        severity=Severity.ERROR,
        message="{count} of {total} api views return no rows",
        action="run `cfbops --headless refresh` (the views read the marts) — see samples",
        evaluate=empty_api_views,
    ),
    Check(
        name="marts_empty",
        family="marts",
        severity=Severity.WARN,
        message="{count} of {total} populated marts hold no rows",
        action="check their inputs were loaded, then `cfbops --headless refresh --select NAME`",
        evaluate=empty_marts,
    ),
    Check(
        name="budget_forecast",
        family="health",
        severity=Severity.WARN,
        message="at this month's burn the CFBD budget runs out {summary}",
        action="run `cfbops --headless budget`; until the reset, cap backfills with "
        "--max-calls below the calls left (reservations already stop them at the limit)",
        evaluate=budget_forecast,
    ),
)
