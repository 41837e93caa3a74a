"""The catalog as adoption sees it: what stands now, plus what earlier files will create.

`migrate --plan --adopt` changes nothing, yet file N+1 must be compared with the database
as file N leaves it; the overlay holds what the plan assumes earlier files create.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg

from cfbops.migrate.equivalence import LiveKey, live_keys, not_null_columns

COLUMNS_SQL = """
SELECT a.attname::text, a.atttypid::int, format_type(a.atttypid, a.atttypmod), a.attnotnull
FROM pg_attribute a
WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""

RELATION_SQL = """
SELECT c.relkind::text,
       (SELECT pn.nspname || '.' || p.relname FROM pg_inherits i
          JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
         WHERE i.inhrelid = c.oid AND c.relispartition)
FROM pg_class c WHERE c.oid = to_regclass(%s)
"""

TABLES_IN_SCHEMAS_SQL = """
SELECT n.nspname || '.' || c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY 1
"""


@dataclass(frozen=True, slots=True)
class LiveColumn:
    name: str
    type_oid: int | None  # None: a type the plan creates, not resolvable yet
    type_name: str
    not_null: bool


@dataclass(slots=True)
class LiveTable:
    name: str
    columns: dict[str, LiveColumn]
    partitioned: bool = False
    parent: str | None = None


@dataclass(slots=True)
class Catalog:
    """Catalog lookups, each answered from the overlay first, then from the database."""

    conn: psycopg.Connection
    planned_schemas: set[str] = field(default_factory=set)
    planned_tables: dict[str, LiveTable] = field(default_factory=dict)
    planned_keys: dict[str, list[LiveKey]] = field(default_factory=dict)
    planned_relations: set[str] = field(default_factory=set)
    planned_routines: set[str] = field(default_factory=set)
    _types: dict[str, int | None] = field(default_factory=dict)

    def overlay(self) -> tuple:
        """A copy of what is assumed so far, to put back with `restore`."""
        return (
            set(self.planned_schemas),
            {
                name: LiveTable(t.name, dict(t.columns), t.partitioned, t.parent)
                for name, t in self.planned_tables.items()
            },
            {table: list(keys) for table, keys in self.planned_keys.items()},
            set(self.planned_relations),
            set(self.planned_routines),
        )

    def restore(self, saved: tuple) -> None:
        (
            self.planned_schemas,
            self.planned_tables,
            self.planned_keys,
            self.planned_relations,
            self.planned_routines,
        ) = saved

    def schema_exists(self, name: str) -> bool:
        if name in self.planned_schemas:
            return True
        row = self.conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (name,))
        return row.fetchone() is not None

    def relation_exists(self, name: str) -> bool:
        if name in self.planned_relations or name in self.planned_tables:
            return True
        row = self.conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
        return bool(row and row[0])

    def table(self, name: str) -> LiveTable | None:
        if name in self.planned_tables:
            return self.planned_tables[name]
        relation = self.conn.execute(RELATION_SQL, (name,)).fetchone()
        if relation is None or relation[0] not in ("r", "p"):
            return None
        columns = {
            row[0]: LiveColumn(row[0], row[1], row[2], row[3])
            for row in self.conn.execute(COLUMNS_SQL, (name,)).fetchall()
        }
        return LiveTable(name, columns, relation[0] == "p", relation[1])

    def keys(self, table: str) -> list[LiveKey]:
        # A table that exists only in the plan has no live keys: to_regclass finds nothing.
        return live_keys(self.conn, table) + self.planned_keys.get(table, [])

    def not_null(self, table: str) -> frozenset[str]:
        planned = self.planned_tables.get(table)
        if planned is not None:
            return frozenset(c.name for c in planned.columns.values() if c.not_null)
        return not_null_columns(self.conn, table)

    def routine_exists(self, name: str) -> bool:
        if name in self.planned_routines:
            return True
        row = self.conn.execute(
            "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname || '.' || p.proname = %s",
            (name,),
        ).fetchone()
        return row is not None

    def trigger_exists(self, table: str, name: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND tgname = %s",
            (table, name),
        ).fetchone()
        return row is not None

    def type_oid(self, written: str) -> int | None:
        """The oid of a type as a file writes it (`varchar`, `double precision[]`)."""
        if written not in self._types:
            try:
                with self.conn.transaction():
                    row = self.conn.execute("SELECT to_regtype(%s)::oid::int", (written,))
                    self._types[written] = row.fetchone()[0]
            except psycopg.Error:
                self._types[written] = None
        return self._types[written]

    def tables_in(self, schemas: list[str]) -> list[str]:
        live = [r[0] for r in self.conn.execute(TABLES_IN_SCHEMAS_SQL, (schemas,)).fetchall()]
        return sorted(set(live) | {t for t in self.planned_tables if t.split(".")[0] in schemas})
