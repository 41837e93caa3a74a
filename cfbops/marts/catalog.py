"""The materialized views in the database and what each reads, from the system catalog."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from cfbops.queries import package_sql

DECLARED_EDGES_SQL = """
SELECT d.mart, d.depends_on,
       (SELECT relkind FROM pg_class WHERE oid = to_regclass(d.mart)) AS mart_kind,
       to_regclass(d.depends_on) IS NOT NULL AS input_exists
FROM ops.mart_dependency d
ORDER BY d.mart, d.depends_on
"""


@dataclass(frozen=True, slots=True)
class Mart:
    """A materialized view, and whether REFRESH … CONCURRENTLY would be accepted."""

    oid: int
    schema: str
    relname: str
    populated: bool
    has_unique_index: bool

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.relname}"

    @property
    def identifier(self) -> sql.Identifier:
        return sql.Identifier(self.schema, self.relname)

    @property
    def concurrent_ok(self) -> bool:
        return self.populated and self.has_unique_index


@dataclass(frozen=True, slots=True)
class MartInput:
    """A relation a mart reads (directly or through plain views): a table or another mart."""

    oid: int
    name: str
    is_mart: bool
    declared: bool


# Views in this schema only pass a mart on to the relations that read them.
MARTS_SCHEMA = "marts"


@dataclass(frozen=True, slots=True)
class MartCatalog:
    """Every mart by name, what each reads, who reads it, and problems in declared edges."""

    marts: Mapping[str, Mart]
    inputs: Mapping[str, tuple[MartInput, ...]]
    warnings: tuple[str, ...] = ()
    # Per mart, the views an app's query may wait on it through (see view_readers.sql).
    view_readers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def upstream(self, name: str) -> frozenset[str]:
        """The marts `name` reads directly (through plain views, or declared)."""
        return frozenset(i.name for i in self.inputs.get(name, ()) if i.is_mart)

    def mart_readers(self, name: str) -> frozenset[str]:
        """The marts that read `name` directly (through plain views, or declared)."""
        return frozenset(reader for reader in self.marts if name in self.upstream(reader))

    def input_oids(self, name: str) -> tuple[int, ...]:
        return tuple(i.oid for i in self.inputs.get(name, ()))


def read_catalog(conn: psycopg.Connection) -> MartCatalog:
    """Read every materialized view and its inputs, with declared edges from ops if present."""
    declared_marts, declared_inputs, warnings = _declared_edges(conn)
    marts = {
        mart.name: mart
        for mart in (
            Mart(oid=r[0], schema=r[1], relname=r[2], populated=r[3], has_unique_index=r[4])
            for r in conn.execute(package_sql("cfbops.marts", "marts")).fetchall()
        )
    }
    by_oid = {mart.oid: mart.name for mart in marts.values()}
    inputs: dict[str, list[MartInput]] = {name: [] for name in marts}
    rows = conn.execute(
        package_sql("cfbops.marts", "mart_inputs"),
        {"declared_marts": declared_marts, "declared_inputs": declared_inputs},
    ).fetchall()
    for mart_oid, input_oid, schema, relname, is_mart, declared in rows:
        mart_name = by_oid.get(mart_oid)
        if mart_name is not None:
            inputs[mart_name].append(MartInput(input_oid, f"{schema}.{relname}", is_mart, declared))
    return MartCatalog(
        marts=marts,
        inputs={name: tuple(found) for name, found in inputs.items()},
        warnings=tuple(warnings),
        view_readers=_view_readers(conn, by_oid),
    )


def _view_readers(
    conn: psycopg.Connection, by_oid: Mapping[int, str]
) -> dict[str, tuple[str, ...]]:
    """Per mart, the views outside schema marts, or read by nothing, that read it."""
    found: dict[str, list[str]] = {}
    for mart_oid, schema, relname, has_readers in conn.execute(
        package_sql("cfbops.marts", "view_readers")
    ).fetchall():
        mart_name = by_oid.get(mart_oid)
        if mart_name is not None and (schema != MARTS_SCHEMA or not has_readers):
            found.setdefault(mart_name, []).append(f"{schema}.{relname}")
    return {name: tuple(views) for name, views in found.items()}


def _declared_edges(conn: psycopg.Connection) -> tuple[list[str], list[str], list[str]]:
    row = conn.execute("SELECT to_regclass('ops.mart_dependency') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return [], [], []
    marts: list[str] = []
    inputs: list[str] = []
    warnings: list[str] = []
    for mart, depends_on, mart_kind, input_exists in conn.execute(DECLARED_EDGES_SQL):
        if mart_kind != "m":
            warnings.append(
                f"ops.mart_dependency names {mart!r}, which is not a materialized view; "
                "the row is ignored (fix or delete it)"
            )
        elif not input_exists:
            warnings.append(
                f"ops.mart_dependency says {mart} reads {depends_on!r}, which does not exist; "
                "the row is ignored (fix or delete it)"
            )
        else:
            marts.append(mart)
            inputs.append(depends_on)
    return marts, inputs, warnings
