"""Database roles holding exactly the privileges a command's page says it needs."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator

import psycopg
from psycopg import sql

from tests.conftest import DatabaseUnderTest


@contextlib.contextmanager
def role_with(db: DatabaseUnderTest, *grants: str) -> Iterator[str]:
    """A login role granted exactly `grants` (SQL, `{role}` for its name); yields a URL to
    `db` as that role. The role goes at the end (roles are the server's, not the database's)."""
    name = f"cfbops_role_{secrets.token_hex(6)}"
    password = secrets.token_hex(12)
    role = sql.Identifier(name)
    with db.connect() as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(role, sql.Literal(password))
        )
        for grant in grants:
            conn.execute(sql.SQL(grant).format(role=role))
    try:
        yield psycopg.conninfo.make_conninfo(db.url, user=name, password=password)
    finally:
        with db.connect() as conn:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(role))
            conn.execute(sql.SQL("DROP ROLE {}").format(role))


# What docs/privileges.md gives a role that only reads.
READ = ("GRANT pg_read_all_data TO {role}",)
