"""Which statements of a no-transaction file have committed, so a retry resumes after them.

Each statement of such a file commits on its own; a mark is written as it finishes, keyed by
the file and its checksum (an edited file starts over). The marks go when the file is done.
"""

from __future__ import annotations

import psycopg

from cfbops.migrate.files import MigrationFile

MARKS_DDL = """
CREATE SCHEMA IF NOT EXISTS ops;
CREATE TABLE IF NOT EXISTS ops.statement_progress (
    file_key text NOT NULL,
    checksum text NOT NULL,
    statement int NOT NULL,
    line int NOT NULL,
    done_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (file_key, checksum, statement)
);
"""


def ensure_marks(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute(MARKS_DDL)


def done_statements(conn: psycopg.Connection, file: MigrationFile) -> set[int]:
    """1-based numbers of the file's statements already committed by an earlier run."""
    rows = conn.execute(
        "SELECT statement FROM ops.statement_progress WHERE file_key = %s AND checksum = %s",
        (file.key, file.checksum),
    ).fetchall()
    return {row[0] for row in rows}


def mark_done(conn: psycopg.Connection, file: MigrationFile, statement: int, line: int) -> None:
    conn.execute(
        "INSERT INTO ops.statement_progress (file_key, checksum, statement, line) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (file.key, file.checksum, statement, line),
    )


def clear_marks(conn: psycopg.Connection, file: MigrationFile) -> None:
    conn.execute("DELETE FROM ops.statement_progress WHERE file_key = %s", (file.key,))
