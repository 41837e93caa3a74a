"""Foreign keys that stand almost as a file writes them: the same key, only not deferrable
(fixed in place with ALTER CONSTRAINT), and immediate duplicates of a deferred key.

Upstream's warehouse holds both: its add_fk_constraints.sql keys before
035 made them deferrable, and 012's `fk_*_game_id` copies beside them. An immediate copy
defeats the deferred key: a dlt merge deletes and re-inserts a game in one transaction, and
the immediate key fails the DELETE at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import psycopg
from psycopg import sql

from cfbops.migrate.equivalence import KeyShape, LiveKey, satisfies


def _ident(table: str) -> sql.Identifier:
    schema, _, relation = table.partition(".")
    return sql.Identifier(schema, relation)


def only_deferrability_differs(live: LiveKey, wanted: KeyShape, not_null: frozenset[str]) -> bool:
    """True for a foreign key that would satisfy `wanted` if its deferrability did."""
    if wanted.kind != "foreign" or live.shape.kind != "foreign":
        return False
    if (live.shape.deferrable, live.shape.deferred) == (wanted.deferrable, wanted.deferred):
        return False
    relaxed = replace(live.shape, deferrable=wanted.deferrable, deferred=wanted.deferred)
    return satisfies(relaxed, wanted, not_null)


def alter_deferrability(conn: psycopg.Connection, table: str, name: str, wanted: KeyShape) -> str:
    """The ALTER CONSTRAINT that gives key `name` the deferrability `wanted` asks for."""
    if not wanted.deferrable:
        timing = "NOT DEFERRABLE"
    else:
        timing = "DEFERRABLE INITIALLY " + ("DEFERRED" if wanted.deferred else "IMMEDIATE")
    statement = sql.SQL("ALTER TABLE {} ALTER CONSTRAINT {} {}").format(
        _ident(table), sql.Identifier(name), sql.SQL(timing)
    )
    return statement.as_string(conn)


def immediate_duplicates(
    conn: psycopg.Connection, keys: Sequence[LiveKey], wanted: KeyShape, keep: str | None
) -> list[tuple[str, str]]:
    """(name, DROP CONSTRAINT statement) of each NOT DEFERRABLE foreign key on the columns
    and target of the deferred key `wanted`, other than `keep` (the key that answers it)."""
    if wanted.kind != "foreign" or not wanted.deferrable:
        return []
    found = []
    for key in keys:
        shape = key.shape
        if (
            key.name != keep
            and shape.kind == "foreign"
            and not shape.deferrable
            and shape.target == wanted.target
            and sorted(zip(shape.columns, shape.target_columns, strict=False))
            == sorted(zip(wanted.columns, wanted.target_columns, strict=False))
        ):
            drop = sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                _ident(wanted.table), sql.Identifier(key.name)
            )
            found.append((key.name, drop.as_string(conn)))
    return found
