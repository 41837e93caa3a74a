"""The published `api` views against SCHEMA_CONTRACT.md: what a consumer would lose.

The contract records every view of schema `api`, with its columns and types (as
`format_type` prints them). A recorded view or column the catalog no longer has, or a
column whose type changed family (PostgreSQL's type category: numbers, strings, dates…),
breaks the consuming apps; so does a view of `api` the contract does not record, and a
contract that records no view at all (an empty file, the README by mistake). A column the
catalog adds, or a type changed within its family (bigint to integer), is compatible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import psycopg

CONTRACT_FILE = "SCHEMA_CONTRACT.md"

# "## api.game_detail" opens a view's section; "| `col` | `type` | ... |" is one column.
_VIEW_HEADING = re.compile(r"^##\s+(api\.[a-z_][a-z0-9_]*)\s*$")
_COLUMN_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|")

# A type's family: its category, a domain's base type's, an array's "A" and its element's.
TYPE_FAMILY_SQL = """
SELECT CASE WHEN t.typcategory = 'A' THEN 'A' || coalesce(e.typcategory::text, '?')
            ELSE t.typcategory::text END
FROM pg_catalog.pg_type AS declared
JOIN pg_catalog.pg_type AS t
    ON t.oid = CASE WHEN declared.typtype = 'd' THEN declared.typbasetype ELSE declared.oid END
LEFT JOIN pg_catalog.pg_type AS e ON e.oid = t.typelem AND t.typcategory = 'A'
WHERE declared.oid = pg_catalog.to_regtype(%s)
"""

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
    retyped: tuple[ColumnChange, ...]  # another type family: breaking
    added: tuple[ColumnChange, ...]
    unrecorded: tuple[str, ...] = ()  # views of api the contract does not record
    compatible: tuple[ColumnChange, ...] = ()  # another type of the same family
    empty: bool = False  # the contract records no view at all

    @property
    def breaking(self) -> bool:
        return bool(
            self.empty or self.missing_views or self.removed or self.retyped or self.unrecorded
        )


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


def type_families(conn: psycopg.Connection, names: Iterable[str]) -> dict[str, str]:
    """Each type name's family; a name PostgreSQL does not know is its own family."""
    families: dict[str, str] = {}
    for name in sorted(set(names)):
        try:
            with conn.transaction():
                row = conn.execute(TYPE_FAMILY_SQL, (name,)).fetchone()
        except psycopg.Error:  # not even a type name: compared as written
            row = None
        families[name] = row[0] if row and row[0] else name
    return families


def contract_types(contract: Columns, catalog: Columns) -> set[str]:
    """Every type name either side writes."""
    return {t for columns in (*contract.values(), *catalog.values()) for _, t in columns}


def compare(
    contract: Columns, catalog: Columns, families: Mapping[str, str] | None = None
) -> ContractReport:
    """Removed columns, types changed to another family, and views gone or not recorded
    break consumers; added columns and types changed within their family do not.
    Without `families`, any change of type counts as a change of family."""
    family = (lambda name: name) if families is None else (lambda name: families.get(name, name))
    missing = tuple(sorted(view for view in contract if view not in catalog))
    removed: list[ColumnChange] = []
    retyped: list[ColumnChange] = []
    compatible: list[ColumnChange] = []
    added: list[ColumnChange] = []
    for view, published in contract.items():
        if view not in catalog:
            continue
        actual = dict(catalog[view])
        for column, type_name in published:
            if column not in actual:
                removed.append(ColumnChange(view, column, type_name, None))
            elif actual[column] != type_name:
                change = ColumnChange(view, column, type_name, actual[column])
                same = family(type_name) == family(actual[column])
                (compatible if same else retyped).append(change)
        listed = {column for column, _ in published}
        added.extend(
            ColumnChange(view, column, None, type_name)
            for column, type_name in catalog[view]
            if column not in listed
        )
    unrecorded = tuple(sorted(view for view in catalog if view not in contract))
    return ContractReport(
        missing,
        tuple(removed),
        tuple(retyped),
        tuple(added),
        unrecorded,
        tuple(compatible),
        empty=not contract,
    )


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


def report_for(conn: psycopg.Connection, contract: Columns) -> ContractReport:
    """The catalog of `conn` compared with `contract`, type families looked up there."""
    catalog = catalog_columns(conn)
    return compare(contract, catalog, type_families(conn, contract_types(contract, catalog)))


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
