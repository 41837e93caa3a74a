"""The published `api` views against SCHEMA_CONTRACT.md: what a consumer would lose.

The contract lists each view's columns and types (as `format_type` prints them). A column
the contract lists that the catalog no longer has, or has with another type, breaks the
consuming apps; a column the catalog adds is a compatible change (contract rule 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

CONTRACT_FILE = "SCHEMA_CONTRACT.md"

# "## api.game_detail" opens a view's section; "| `col` | `type` | ... |" is one column.
_VIEW_HEADING = re.compile(r"^##\s+(api\.[a-z_][a-z0-9_]*)\s*$")
_COLUMN_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|")

CATALOG_COLUMNS_SQL = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid
WHERE n.nspname = 'api' AND c.relkind IN ('v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum
"""

Columns = dict[str, tuple[tuple[str, str], ...]]


@dataclass(frozen=True, slots=True)
class ColumnChange:
    """One column of a view whose published shape changed."""

    view: str
    column: str
    contract_type: str | None  # None: the contract does not list it (an addition)
    catalog_type: str | None  # None: the catalog no longer has it (a removal)


@dataclass(frozen=True, slots=True)
class ContractReport:
    """The catalog compared with the contract."""

    missing_views: tuple[str, ...]
    removed: tuple[ColumnChange, ...]
    retyped: tuple[ColumnChange, ...]
    added: tuple[ColumnChange, ...]

    @property
    def breaking(self) -> bool:
        return bool(self.missing_views or self.removed or self.retyped)


def parse_contract(text: str) -> Columns:
    """Each view's columns and types, in the order SCHEMA_CONTRACT.md lists them."""
    views: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for line in text.splitlines():
        heading = _VIEW_HEADING.match(line)
        if heading:
            current = views.setdefault(heading.group(1), [])
            continue
        row = _COLUMN_ROW.match(line)
        if row and current is not None:
            current.append((row.group(1), row.group(2)))
    return {view: tuple(columns) for view, columns in views.items()}


def read_contract(path: Path) -> Columns:
    return parse_contract(path.read_text(encoding="utf-8"))


def catalog_columns(conn: psycopg.Connection) -> Columns:
    """Each api view's columns and types as the database has them."""
    views: dict[str, list[tuple[str, str]]] = {}
    for relname, column, type_name in conn.execute(CATALOG_COLUMNS_SQL):
        views.setdefault(f"api.{relname}", []).append((column, type_name))
    return {view: tuple(columns) for view, columns in views.items()}


def compare(contract: Columns, catalog: Columns) -> ContractReport:
    """Removed and retyped columns break consumers; added ones do not."""
    missing = tuple(sorted(view for view in contract if view not in catalog))
    removed: list[ColumnChange] = []
    retyped: list[ColumnChange] = []
    added: list[ColumnChange] = []
    for view, published in contract.items():
        if view not in catalog:
            continue
        actual = dict(catalog[view])
        for column, type_name in published:
            if column not in actual:
                removed.append(ColumnChange(view, column, type_name, None))
            elif actual[column] != type_name:
                retyped.append(ColumnChange(view, column, type_name, actual[column]))
        listed = {column for column, _ in published}
        added.extend(
            ColumnChange(view, column, None, type_name)
            for column, type_name in catalog[view]
            if column not in listed
        )
    return ContractReport(missing, tuple(removed), tuple(retyped), tuple(added))


def describe(change: ColumnChange) -> str:
    """One line naming the change, for reports and failure messages."""
    if change.catalog_type is None:
        return f"{change.view}.{change.column} ({change.contract_type}) was removed"
    if change.contract_type is None:
        return f"{change.view}.{change.column} ({change.catalog_type}) was added"
    return (
        f"{change.view}.{change.column} changed type from {change.contract_type}"
        f" to {change.catalog_type}"
    )


# The header and rule that open a view's column table.
_TABLE_HEADER = "| column | type | description |"
_TABLE_RULE = "|---|---|---|"
_DESCRIBED_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*`[^`]+`\s*\|(.*)\|\s*$")
NEW_COLUMN_NOTE = "(new: describe it)"


def render_contract(text: str, catalog: Columns) -> str:
    """The contract with each view's column table regenerated from the catalog; every other
    line (the preamble, grains, "Consumers may rely on" notes, descriptions of columns that
    remain) is kept as written. Views the file lacks are appended; views the catalog lacks
    keep their section (their removal is a break to report, not to paper over)."""
    lines = text.splitlines()
    out: list[str] = []
    seen: set[str] = set()
    current: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        heading = _VIEW_HEADING.match(line)
        if heading:
            current = heading.group(1)
            seen.add(current)
        if current in catalog and line.strip() == _TABLE_HEADER:
            described: dict[str, str] = {}
            i += 1
            while i < len(lines) and lines[i].startswith("|"):
                row = _DESCRIBED_ROW.match(lines[i])
                if row:
                    described[row.group(1)] = row.group(2).strip()
                i += 1
            out.extend(_column_table(catalog[current], described))
            continue
        out.append(line)
        i += 1
    for view in sorted(set(catalog) - seen):
        out.extend(["", f"## {view}", "", "Grain: (describe it)", ""])
        out.extend(_column_table(catalog[view], {}))
    return "\n".join(out).rstrip("\n") + "\n"


def _column_table(columns: tuple[tuple[str, str], ...], described: dict[str, str]) -> list[str]:
    rows = [_TABLE_HEADER, _TABLE_RULE]
    rows.extend(
        f"| `{column}` | `{type_name}` | {described.get(column) or NEW_COLUMN_NOTE} |"
        for column, type_name in columns
    )
    return rows
