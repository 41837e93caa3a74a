"""The import plan written: one set-based statement per table, in the order the rows
refer to each other (users, weeks, games, player_stats, then picks and their results)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg import sql as pgsql
from psycopg.types.json import Jsonb

from cfbops.nfl.fast6.findings import ImportFinding
from cfbops.nfl.fast6.plan import ImportPlan
from cfbops.nfl.fast6.statements import sql

# What the import reads and writes: analyzed at its start, so that statistics a rolled-back
# load or a bulk load by someone else left behind do not mislead its plans.
IMPORT_TABLES = ("users", "weeks", "games", "picks", "results", "player_stats")
# A step that wrote at least this many rows is followed by an ANALYZE of what it wrote.
BULK_ROWS = 1000

# The nfl table each write goes to, and its statement.
STEPS = (
    ("users", "upsert_users"),
    ("weeks", "upsert_weeks"),
    ("games", "insert_games"),
    # Before picks and results, whose triggers recount the counters of these rows.
    ("player_stats", "upsert_player_stats"),
    ("picks", "upsert_picks"),
    ("results", "upsert_results"),
)


def analyze(conn: psycopg.Connection, tables: Sequence[str]) -> None:
    targets = pgsql.SQL(", ").join(pgsql.Identifier("nfl", t) for t in tables)
    conn.execute(pgsql.SQL("ANALYZE {}").format(targets))


def apply_plan(conn: psycopg.Connection, plan: ImportPlan, on_step: Callable[[str], None]) -> None:
    for table, statement in STEPS:
        rows = plan.writes.get(table, [])
        if rows:
            conn.execute(sql(statement), as_columns(rows))
        on_step(f"{table}: {len(rows)} written")
        if len(rows) >= BULK_ROWS and table in ("picks", "results"):
            # Their triggers recount player_stats and user_season_totals from them next.
            analyze(conn, (table, "player_stats", "user_season_totals"))
    if plan.stats_keys:
        # The file's players' counters as the graded picks have them, whether or not this
        # run changed a pick of theirs (a player_stats row can be new on its own).
        keys = list(zip(*plan.stats_keys, strict=True))
        conn.execute(
            "SELECT nfl.recount_player_td_counters(%s::text[], %s::integer[], %s::text[])",
            [list(column) for column in keys],
        )


def as_columns(rows: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """Rows as one list per column: the arrays a statement unnests."""
    return {name: [row[name] for row in rows] for name in rows[0]}


def log_import(
    conn: psycopg.Connection,
    *,
    file_name: str,
    sha256: str,
    shape: str,
    changed_rows: dict[str, dict[str, int]],
    findings: Sequence[ImportFinding],
) -> None:
    conn.execute(
        sql("insert_import"),
        {
            "file_name": file_name,
            "sha256": sha256,
            "shape": shape,
            "changed_rows": Jsonb(changed_rows),
            "findings": len(findings),
        },
    )
    log_findings(conn, sha256, findings)


def log_findings(conn: psycopg.Connection, sha256: str, findings: Sequence[ImportFinding]) -> None:
    if not findings:
        return
    document = [
        {
            "kind": str(f.kind),
            "source_table": f.source_table,
            "source_id": f.source_id,
            "source_column": f.source_column,
            "source_row": f.row,
            "detail": f.detail,
        }
        for f in findings
    ]
    conn.execute(sql("insert_findings"), {"sha256": sha256, "findings": Jsonb(document)})
