"""A database error in a picks-game operation, as one line and the SPEC's exit code."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg

from cfbops.errors import DatabaseUnreachable, OperationFailed


@contextlib.contextmanager
def one_line_database_errors(operation: str) -> Iterator[None]:
    """Exit 3 when the connection is lost, else exit 1 saying the operation changed
    nothing (its writes are one transaction, rolled back with the error)."""
    try:
        yield
    except psycopg.Error as exc:
        lines = str(exc).strip().splitlines()
        message = exc.diag.message_primary or (lines[0] if lines else type(exc).__name__)
        if isinstance(exc, psycopg.OperationalError) and exc.sqlstate is None:
            raise DatabaseUnreachable(f"lost the database connection: {message}") from None
        raise OperationFailed(f"{operation} changed nothing: {message}") from None
