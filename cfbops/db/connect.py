"""Open connections: application_name, connect timeout, read-only, one-line failures."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import psycopg

from cfbops.config import Settings
from cfbops.db.embedded import EmbeddedServer
from cfbops.db.urls import password_of, redact_url, scrub
from cfbops.errors import ConfigError, DatabaseUnreachable

APPLICATION_NAME = "cfbops"


@dataclass(frozen=True, slots=True)
class DatabaseTarget:
    """Where a database is, and how to name it in front of a person."""

    conninfo: str
    embedded: bool

    @property
    def display_url(self) -> str:
        return redact_url(self.conninfo) or "(libpq environment: PGHOST, PGDATABASE, …)"


@cache
def _embedded_target(home: Path) -> DatabaseTarget:
    address = EmbeddedServer(home).ensure_running()
    return DatabaseTarget(address.url(), embedded=True)


def resolve_target(settings: Settings) -> DatabaseTarget:
    """The configured database, or the embedded server (started if it is not running)."""
    if settings.database_url is not None:
        # A URL with the embedded source names a database on the embedded server (the demo).
        return DatabaseTarget(settings.database_url, embedded=settings.embedded)
    return _embedded_target(settings.home)


def connect(
    settings: Settings,
    *,
    autocommit: bool = True,
    application_name: str = APPLICATION_NAME,
    target: DatabaseTarget | None = None,
) -> psycopg.Connection:
    """A connection to the settings' database, failing with one line and exit code 3."""
    target = target or resolve_target(settings)
    options = "-c default_transaction_read_only=on" if settings.read_only else None
    try:
        return psycopg.connect(
            target.conninfo,
            autocommit=autocommit,
            application_name=application_name,
            connect_timeout=settings.connect_timeout,
            **({"options": options} if options else {}),
        )
    except psycopg.OperationalError as exc:
        raise DatabaseUnreachable(describe_connect_failure(target, exc)) from None
    except psycopg.ProgrammingError as exc:
        # libpq could not parse the string at all, and its message quotes it, password and all.
        raise ConfigError(describe_unparsable_target(target, exc)) from None


def describe_connect_failure(target: DatabaseTarget, exc: BaseException) -> str:
    """One line naming the database (redacted), what failed, and what to do."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    reason = " ".join(lines) if lines else type(exc).__name__
    reason = reason.removeprefix("connection failed:").replace("FATAL:  ", "").strip()
    if "password authentication failed" in reason or "no password supplied" in reason:
        hint = "check the user and password in DATABASE_URL"
    else:
        hint = "check that the server is running and DATABASE_URL (or --database-url) is right"
    message = f"cannot connect to {target.display_url}: {reason}; {hint}"
    return scrub(message, password_of(target.conninfo))


def describe_unparsable_target(target: DatabaseTarget, exc: BaseException) -> str:
    """One line naming the (redacted) connection string libpq rejected, and what to do."""
    reason = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    reason = reason.replace(target.conninfo, target.display_url)
    message = (
        f"the database URL {target.display_url} is not a valid connection string: {reason}; "
        "fix DATABASE_URL (or --database-url), e.g. postgresql://USER@HOST:5432/DB"
    )
    return scrub(message, password_of(target.conninfo))


def server_version(conn: psycopg.Connection) -> str:
    """The server's version as PostgreSQL prints it, e.g. '18.4'."""
    row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]).split()[0] if row else "unknown"
