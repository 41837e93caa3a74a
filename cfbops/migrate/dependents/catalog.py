"""Reading dependents from the catalog (pg_depend, pg_rewrite), saving one whole, and the
statements that re-create it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus

from cfbops.migrate.dependents.model import Grant, SavedColumn, SavedObject, SavedPart
from cfbops.queries import package_sql

PACKAGE = "cfbops.migrate.dependents"
RELATION_KINDS = {"v": "view", "m": "materialized view"}


@dataclass(frozen=True, slots=True)
class Dependent:
    """One object found depending, transitively, on what a statement drops."""

    kind: str  # relation | function | other
    oid: int
    name: str  # schema.name; for `other`, PostgreSQL's description
    reads: frozenset[str]  # names of the objects it depends on directly


def find_dependents(
    conn: psycopg.Connection, relations: Iterable[int], functions: Iterable[int]
) -> list[Dependent]:
    """Everything that depends, directly or not, on the given relations and functions, in
    the order found (breadth first)."""
    names = _names(conn, relations, functions)
    found: dict[tuple[str, int], Dependent] = {}
    frontier = (sorted(set(relations)), sorted(set(functions)))
    while frontier[0] or frontier[1]:
        rows = conn.execute(
            package_sql(PACKAGE, "direct_dependents"),
            {"relations": frontier[0], "functions": frontier[1]},
        ).fetchall()
        fresh: tuple[list[int], list[int]] = ([], [])
        for kind, oid, name, referenced_kind, referenced_oid in rows:
            key = (kind, oid)
            reads = {names.get((referenced_kind, referenced_oid), "")}
            if key in found:
                old = found[key]
                found[key] = Dependent(kind, oid, name, old.reads | reads)
                continue
            found[key] = Dependent(kind, oid, name, frozenset(reads))
            names[key] = name
            if kind == "relation":
                fresh[0].append(oid)
            elif kind == "function":
                fresh[1].append(oid)
        frontier = fresh
    return list(found.values())


_NAMES_SQL = """
SELECT 'relation', c.oid, n.nspname || '.' || c.relname FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace WHERE c.oid = ANY (%(relations)s)
UNION ALL
SELECT 'function', p.oid, n.nspname || '.' || p.proname FROM pg_catalog.pg_proc AS p
JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace WHERE p.oid = ANY (%(functions)s)
"""


def _names(
    conn: psycopg.Connection, relations: Iterable[int], functions: Iterable[int]
) -> dict[tuple[str, int], str]:
    rows = conn.execute(_NAMES_SQL, {"relations": list(relations), "functions": list(functions)})
    return {(kind, oid): name for kind, oid, name in rows.fetchall()}


def relation_names(conn: psycopg.Connection, oids: Iterable[int]) -> dict[int, str]:
    """schema.name of each relation oid."""
    return {oid: name for (kind, oid), name in _names(conn, oids, ()).items()}


def schema_contents(conn: psycopg.Connection, schemas: list[str]) -> tuple[list[int], list[int]]:
    """The relations and functions of `schemas`."""
    rows = conn.execute(package_sql(PACKAGE, "schema_contents"), {"schemas": schemas}).fetchall()
    return [o for k, o in rows if k == "relation"], [o for k, o in rows if k == "function"]


@contextmanager
def qualified_names(conn: psycopg.Connection) -> Iterator[None]:
    """An empty search_path while inside, so pg_get_viewdef and friends qualify every name;
    the session's own afterwards (local to the transaction when there is one)."""
    local = conn.info.transaction_status == TransactionStatus.INTRANS
    old = conn.execute("SELECT pg_catalog.current_setting('search_path')").fetchone()[0]
    conn.execute("SELECT pg_catalog.set_config('search_path', '', %s)", (local,))
    try:
        yield
    finally:
        if conn.info.transaction_status != TransactionStatus.INERROR:
            conn.execute("SELECT pg_catalog.set_config('search_path', %s, %s)", (old, local))


def _grants(raw: list) -> tuple[Grant, ...]:
    return tuple(
        Grant(privilege, grantee, bool(grantable)) for privilege, grantee, grantable in raw
    )


def column_reads(conn: psycopg.Connection, oids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """(relation, column) pairs each view or SQL-standard function reads, by its oid."""
    reads: dict[int, list[tuple[str, str]]] = {}
    for reader, relation, column in conn.execute(
        package_sql(PACKAGE, "column_reads"), {"readers": oids}
    ).fetchall():
        reads.setdefault(reader, []).append((relation, column))
    return reads


def relation_columns(conn: psycopg.Connection, oid: int) -> tuple[SavedColumn, ...]:
    rows = conn.execute(package_sql(PACKAGE, "relation_columns"), {"oid": oid}).fetchall()
    return tuple(
        SavedColumn(name, type_name, family, comment, _grants(grants), default)
        for name, type_name, family, comment, grants, default in rows
    )


def save_relation(conn: psycopg.Connection, oid: int) -> SavedObject:
    """A view or materialized view, whole (call inside `qualified_names`)."""
    row = conn.execute(package_sql(PACKAGE, "relation"), {"oid": oid}).fetchone()
    relkind, schema, name, definition, populated, options, owner, space, comment, grants = row
    parts = tuple(
        SavedPart(kind, part_name, statement, part_comment)
        for kind, statement, part_name, part_comment in conn.execute(
            package_sql(PACKAGE, "relation_parts"), {"oid": oid}
        ).fetchall()
    )
    return SavedObject(
        name=f"{schema}.{name}",
        kind=RELATION_KINDS[relkind],
        definition=definition.strip().removesuffix(";"),
        owner=owner,
        comment=comment,
        grants=_grants(grants),
        columns=relation_columns(conn, oid),
        populated=bool(populated),
        reloptions=tuple(tuple(o.split("=", 1)) for o in options or ()),  # type: ignore[misc]
        tablespace=space,
        parts=parts,
    )


def save_function(conn: psycopg.Connection, oid: int) -> SavedObject:
    """A function or procedure, whole (call inside `qualified_names`)."""
    row = conn.execute(package_sql(PACKAGE, "function"), {"oid": oid}).fetchone()
    schema, name, arguments, definition, prokind, owner, comment, explicit, grants = row
    return SavedObject(
        name=f"{schema}.{name}",
        kind="procedure" if prokind == "p" else "function",
        definition=definition,
        owner=owner,
        comment=comment,
        grants=_grants(grants),
        explicit_grants=bool(explicit),
        arguments=arguments,
    )


def _grant(privilege: sql.Composable, target: sql.Composable, grant: Grant) -> sql.Composed:
    grantee = sql.SQL("PUBLIC") if grant.grantee == "PUBLIC" else sql.Identifier(grant.grantee)
    option = sql.SQL(" WITH GRANT OPTION") if grant.grantable else sql.SQL("")
    return sql.SQL("GRANT {} ON {} TO {}{}").format(privilege, target, grantee, option)


def create_statement(
    saved: SavedObject, *, populate: bool = True, schema: str | None = None
) -> sql.Composed:
    """The CREATE of a saved view or materialized view (in `schema`, when given, instead
    of its own: a build ahead of the swap; its definition then names what it reads)."""
    own_schema, _, name = saved.name.partition(".")
    target = sql.Identifier(schema or own_schema, name)
    word = sql.SQL(saved.kind.upper())
    columns = sql.SQL(", ").join(sql.Identifier(c.name) for c in saved.columns)
    create = sql.SQL("CREATE {} {} ({})").format(word, target, columns)
    if saved.reloptions:
        options = sql.SQL(", ").join(
            sql.SQL("{} = {}").format(sql.Identifier(key), sql.Literal(value))
            for key, value in saved.reloptions
        )
        create = sql.SQL("{} WITH ({})").format(create, options)
    if saved.tablespace:
        create = sql.SQL("{} TABLESPACE {}").format(create, sql.Identifier(saved.tablespace))
    create = sql.SQL("{} AS {}").format(create, sql.SQL(saved.definition))
    if saved.kind == "materialized view":
        data = "WITH DATA" if saved.populated and populate else "WITH NO DATA"
        create = sql.SQL("{} {}").format(create, sql.SQL(data))
    return create


def recreate_statements(
    saved: SavedObject,
    current_user: str,
    *,
    populate: bool = True,
    built_in: str | None = None,
) -> list[sql.Composable]:
    """What re-creates `saved` as it was: definition, owner, comments, grants, parts.
    `populate=False` leaves a materialized view empty (a rehearsal's); `built_in` names
    the build schema where it was built ahead, with its indexes: it is moved from there."""
    if saved.kind in ("function", "procedure"):
        return _function_statements(saved, current_user)
    schema, _, name = saved.name.partition(".")
    target = sql.Identifier(schema, name)
    word = sql.SQL(saved.kind.upper())
    if built_in is not None:
        create: sql.Composable = sql.SQL("ALTER {} {} SET SCHEMA {}").format(
            word, sql.Identifier(built_in, name), sql.Identifier(schema)
        )
    else:
        create = create_statement(saved, populate=populate)
    statements: list[sql.Composable] = [create]
    if saved.owner != current_user:
        statements.append(
            sql.SQL("ALTER {} {} OWNER TO {}").format(word, target, sql.Identifier(saved.owner))
        )
    if saved.comment is not None:
        statements.append(
            sql.SQL("COMMENT ON {} {} IS {}").format(word, target, sql.Literal(saved.comment))
        )
    for grant in saved.grants:
        statements.append(_grant(sql.SQL(grant.privilege), target, grant))
    for column in saved.columns:
        column_id = sql.Identifier(column.name)
        if column.default is not None:
            statements.append(
                sql.SQL("ALTER VIEW {} ALTER COLUMN {} SET DEFAULT {}").format(
                    target, column_id, sql.SQL(column.default)
                )
            )
        if column.comment is not None:
            statements.append(
                sql.SQL("COMMENT ON COLUMN {} IS {}").format(
                    sql.Identifier(schema, name, column.name), sql.Literal(column.comment)
                )
            )
        for grant in column.grants:
            privilege = sql.SQL("{} ({})").format(sql.SQL(grant.privilege), column_id)
            statements.append(_grant(privilege, target, grant))
    for part in saved.parts:
        if not (built_in is not None and part.kind == "index"):
            statements.append(sql.SQL(part.statement))
        if part.comment is not None:
            statements.append(_part_comment(part, schema, target))
    return statements


def _part_comment(part: SavedPart, schema: str, target: sql.Identifier) -> sql.Composed:
    text = sql.Literal(part.comment)
    if part.kind == "index":
        index_schema, _, index = part.name.partition(".")
        return sql.SQL("COMMENT ON INDEX {} IS {}").format(
            sql.Identifier(index_schema, index), text
        )
    word = sql.SQL("TRIGGER" if part.kind == "trigger" else "RULE")
    return sql.SQL("COMMENT ON {} {} ON {} IS {}").format(
        word, sql.Identifier(part.name), target, text
    )


def _function_statements(saved: SavedObject, current_user: str) -> list[sql.Composable]:
    schema, _, name = saved.name.partition(".")
    word = sql.SQL(saved.kind.upper())
    signature = sql.SQL("{}({})").format(sql.Identifier(schema, name), sql.SQL(saved.arguments))
    statements: list[sql.Composable] = [sql.SQL(saved.definition)]
    if saved.owner != current_user:
        statements.append(
            sql.SQL("ALTER {} {} OWNER TO {}").format(word, signature, sql.Identifier(saved.owner))
        )
    if saved.comment is not None:
        statements.append(
            sql.SQL("COMMENT ON {} {} IS {}").format(word, signature, sql.Literal(saved.comment))
        )
    if saved.explicit_grants:
        # Without this, a re-created function would be callable by PUBLIC again.
        statements.append(sql.SQL("REVOKE ALL ON {} {} FROM PUBLIC").format(word, signature))
        target = sql.SQL("{} {}").format(word, signature)
        statements += [_grant(sql.SQL(g.privilege), target, g) for g in saved.grants]
    return statements
