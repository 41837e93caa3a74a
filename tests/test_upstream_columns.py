"""Every mart and view cfbops defines under a name upstream also uses keeps upstream's
columns: its Sprint 5 columns first, by name, in order and of the same
type family, then HEAD's additions, then cfbops's own; a column the data cannot fill is
kept, typed, and its comment says why."""

from __future__ import annotations

import psycopg
import pytest

from tests.conftest import DatabaseUnderTest
from tests.upstream_columns import HEAD_ADDITIONS, SPRINT5, columns, upstream_columns

# Each column of a relation, its type family (PostgreSQL's type category; an array's
# is "A" followed by its element's) and its comment.
CATALOG_COLUMNS_SQL = """
SELECT a.attname,
       t.typcategory::text || coalesce(e.typcategory::text, ''),
       col_description(a.attrelid, a.attnum)
FROM pg_attribute AS a
JOIN pg_type AS t ON t.oid = a.atttypid
LEFT JOIN pg_type AS e ON e.oid = t.typelem AND t.typcategory = 'A'
WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""
FAMILY_SQL = """
SELECT t.typcategory::text || coalesce(e.typcategory::text, '')
FROM pg_type AS t LEFT JOIN pg_type AS e ON e.oid = t.typelem AND t.typcategory = 'A'
WHERE t.oid = to_regtype(%s)
"""
# The short names upstream's column lists use for PostgreSQL's types
SHORT_TYPES = {"varchar": "character varying", "float8": "double precision"}


def family(conn: psycopg.Connection, type_name: str) -> str:
    row = conn.execute(FAMILY_SQL, (SHORT_TYPES.get(type_name, type_name),)).fetchone()
    assert row is not None and row[0], f"PostgreSQL does not know the type {type_name!r}"
    return row[0]


def catalog(conn: psycopg.Connection, relation: str) -> list[tuple[str, str, str | None]]:
    return conn.execute(CATALOG_COLUMNS_SQL, (relation,)).fetchall()


def named_families(conn: psycopg.Connection, listing: list[tuple[str, str]]) -> list[tuple]:
    return [(name, family(conn, type_name)) for name, type_name in listing]


def mismatches(conn: psycopg.Connection, listings: dict[str, list[tuple[str, str]]]) -> dict:
    """Each relation whose columns do not start with its listing: (expected, actual)."""
    found = {}
    for relation, listing in sorted(listings.items()):
        expected = named_families(conn, listing)
        actual = [(name, kind) for name, kind, _ in catalog(conn, relation)][: len(expected)]
        if actual != expected:
            found[relation] = (expected, actual)
    return found


@pytest.fixture
def schema(migrated_db: DatabaseUnderTest):
    with migrated_db.connect() as conn:
        yield conn


def test_each_upstream_named_object_starts_with_sprint5s_columns(schema) -> None:
    sprint5 = {relation: columns(listing) for relation, listing in SPRINT5.items() if listing}

    assert len(sprint5) == 25
    assert mismatches(schema, sprint5) == {}


def test_each_upstream_named_object_goes_on_with_heads_additions(schema) -> None:
    head = {relation: upstream_columns(relation) for relation in HEAD_ADDITIONS}

    assert "scouting.player_mart" in head and "api.team_detail" in head
    assert mismatches(schema, head) == {}


def test_a_column_no_row_fills_says_why_in_its_comment(db: DatabaseUnderTest) -> None:
    silent = []
    with db.connect() as conn:
        for relation in sorted(SPRINT5):
            for name, _ in upstream_columns(relation):
                schema_name, table = relation.split(".")
                filled = conn.execute(
                    psycopg.sql.SQL("SELECT count({}) FROM {}").format(
                        psycopg.sql.Identifier(name), psycopg.sql.Identifier(schema_name, table)
                    )
                ).fetchone()[0]
                comment = conn.execute(
                    "SELECT col_description(%s::regclass, attnum) FROM pg_attribute"
                    " WHERE attrelid = %s::regclass AND attname = %s",
                    (relation, relation, name),
                ).fetchone()[0]
                if filled == 0 and not comment:
                    silent.append(f"{relation}.{name}")

    assert silent == []
