"""Which statements of a no-transaction file have committed, so a retry resumes after them.

Each statement of such a file commits on its own; a mark is written as it finishes, keyed by
the file, the statement's place and a hash of its text: after the failing statement is
corrected, the retry still skips the ones that committed (an edited done statement runs
again). The marks go when the file is done.
"""

from __future__ import annotations

import hashlib

import psycopg

from cfbops.migrate.files import MigrationFile
from cfbops.migrate.statements import Statement


def done_statements(conn: psycopg.Connection, file: MigrationFile) -> set[int]:
    """1-based numbers of the file's statements already committed by an earlier run."""
    rows = conn.execute(
        "SELECT statement, statement_sha256 FROM ops.statement_progress WHERE file_key = %s",
        (file.key,),
    ).fetchall()
    current = {i: _sha(s) for i, s in enumerate(file.statements, start=1)}
    return {number for number, sha in rows if current.get(number) == sha}


def mark_done(conn: psycopg.Connection, file: MigrationFile, number: int) -> None:
    statement = file.statements[number - 1]
    conn.execute(
        "INSERT INTO ops.statement_progress (file_key, statement, statement_sha256, line) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT (file_key, statement) DO UPDATE "
        "SET statement_sha256 = excluded.statement_sha256, line = excluded.line, done_at = now()",
        (file.key, number, _sha(statement), statement.line),
    )


def _sha(statement: Statement) -> str:
    return hashlib.sha256(statement.text.encode()).hexdigest()


def clear_marks(conn: psycopg.Connection, file: MigrationFile) -> None:
    conn.execute("DELETE FROM ops.statement_progress WHERE file_key = %s", (file.key,))
