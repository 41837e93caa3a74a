"""Open connections: application_name, connect timeout, read-only, one-line failures."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import make_conninfo

from cfbops.db.embedded import EmbeddedServer
from cfbops.db.ops_objects import verify_ops_objects
from cfbops.db.urls import libpq_reason, redact_url, scrub_url_secrets
from cfbops.errors import ConfigError, DatabaseUnreachable, OperationFailed, UsageError

APPLICATION_NAME = "cfbops"

# A backend whose client vanished (kill -9, a dropped SSH session) stops at the next check
# instead of running its statement to the end; PostgreSQL 14+ on Linux.
CONNECTION_CHECK_INTERVAL = "1s"

# SQLSTATE classes that mean the session itself is gone: 08 connection exception,
# 57P01-57P05 administrator shutdown, crash, cannot connect now, idle timeouts.
_LOST_SQLSTATE_PREFIXES = ("08", "57P")
# libpq refusing a parameter's value before any connection (sslmode=bogus, port 99999):
# a configuration error, not an unreachable server.
_BAD_OPTION_VALUE = "connection is bad: invalid "


class ConnectionSettings(Protocol):
    """What opening a connection needs to know; `cfbops.config.Settings` provides it."""

    @property
    def database_url(self) -> str | None: ...
    @property
    def embedded(self) -> bool: ...
    @property
    def database_origin_text(self) -> str: ...
    @property
    def home(self) -> Path: ...
    @property
    def read_only(self) -> bool: ...
    @property
    def connect_timeout(self) -> int: ...
    @property
    def database_name(self) -> str | None: ...


def require_writable(settings: ConnectionSettings, what: str) -> None:
    """The one guard at the top of every core function that writes: under --read-only it
    refuses before anything connects (exit 2)."""
    if settings.read_only:
        raise UsageError(f"{what} writes to the database; run it without --read-only")


@dataclass(frozen=True, slots=True)
class DatabaseTarget:
    """Where a database is, and how to name it in front of a person."""

    conninfo: str
    embedded: bool
    # Where the connection came from, as error hints name it ("DATABASE_URL", a config file).
    origin: str = "DATABASE_URL"
    log_file: Path | None = None

    @property
    def display_url(self) -> str:
        return redact_url(self.conninfo) or "(libpq environment: PGHOST, PGDATABASE, …)"


@cache
def _embedded_target(home: Path, database: str | None) -> DatabaseTarget:
    server = EmbeddedServer(home)
    address = server.ensure_running()
    return DatabaseTarget(
        address.url(database),
        embedded=True,
        origin="the embedded server",
        log_file=server.log_file,
    )


def with_database(conninfo: str, database: str) -> str:
    """The same server and user, another database: a URL keeps its form, anything else
    (key=value, or empty for libpq's PG* variables) gets dbname."""
    if "://" in conninfo:
        parts = urlsplit(conninfo)
        return urlunsplit(parts._replace(path="/" + quote(database, safe="")))
    return make_conninfo(conninfo, dbname=database)


def resolve_target(settings: ConnectionSettings, *, fresh: bool = False) -> DatabaseTarget:
    """The configured database, or the embedded server (started if it is not running);
    --database picks another database on the same server.

    `fresh`: where the embedded server listens now, read again and without starting it (a
    client reconnecting after the server was restarted, perhaps on another port)."""
    server = EmbeddedServer(settings.home) if settings.embedded else None
    if settings.database_url is not None:
        url = settings.database_url
        if settings.database_name:
            url = with_database(url, settings.database_name)
        # A URL with the embedded source names a database on the embedded server (the demo).
        if server is not None and fresh:
            url = with_port(url, server.current_address().port)
        return DatabaseTarget(
            url,
            embedded=settings.embedded,
            origin=settings.database_origin_text,
            log_file=server.log_file if server is not None else None,
        )
    if fresh:
        server = EmbeddedServer(settings.home)
        return DatabaseTarget(
            server.current_address().url(settings.database_name),
            embedded=True,
            origin="the embedded server",
            log_file=server.log_file,
        )
    return _embedded_target(settings.home, settings.database_name)


def with_port(conninfo: str, port: int) -> str:
    """`conninfo` (a URL or libpq keywords) pointing at `port`, in the form it came in."""
    if "://" in conninfo:
        parts = urlsplit(conninfo)
        userinfo, at, hostport = parts.netloc.rpartition("@")
        host = hostport.rsplit(":", 1)[0] if not hostport.endswith("]") else hostport
        netloc = f"{userinfo}{at}{host}:{port}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return psycopg.conninfo.make_conninfo(conninfo, port=str(port))


def connect(
    settings: ConnectionSettings,
    *,
    autocommit: bool = True,
    application_name: str = APPLICATION_NAME,
    target: DatabaseTarget | None = None,
    read_only: bool = False,
) -> psycopg.Connection:
    """A connection to the settings' database, failing with one line and exit code 3.

    Read-only (every transaction of the session) under --read-only or when `read_only` asks
    for it: readers never write. A database whose `ops` objects stand in a shape cfbops did
    not make is refused (exit 2) before anything is read or changed."""
    target = target or resolve_target(settings)
    read_only = read_only or settings.read_only
    options = "-c default_transaction_read_only=on" if read_only else None
    try:
        conn = psycopg.connect(
            target.conninfo,
            autocommit=autocommit,
            application_name=application_name,
            connect_timeout=settings.connect_timeout,
            **({"options": options} if options else {}),
        )
    except psycopg.OperationalError as exc:
        if str(exc).startswith(_BAD_OPTION_VALUE):
            raise ConfigError(describe_unparsable_target(target, exc)) from None
        raise DatabaseUnreachable(describe_connect_failure(target, exc)) from None
    except psycopg.ProgrammingError as exc:
        # libpq could not parse the string at all, and its message quotes it, password and all.
        raise ConfigError(describe_unparsable_target(target, exc)) from None
    _watch_client(conn)
    try:
        verify_ops_objects(conn)
    except BaseException:
        conn.close()
        raise
    if not conn.autocommit:
        conn.rollback()  # the caller starts from a clean transaction
    return conn


def _watch_client(conn: psycopg.Connection) -> None:
    """Have the server check that this client still exists while a statement runs."""
    if conn.info.server_version < 140000:
        return
    try:
        conn.execute(
            "SELECT set_config('client_connection_check_interval', %s, false)",
            (CONNECTION_CHECK_INTERVAL,),
        )
    except psycopg.errors.InvalidParameterValue:
        # A platform without the check (it must stay 0 there): nothing to do.
        if not conn.autocommit:
            conn.rollback()
        return
    if not conn.autocommit:
        conn.commit()  # keep the setting; the caller starts from a clean transaction


def connection_lost(exc: BaseException) -> bool:
    """True when a database error means the session is gone, not that a statement failed."""
    if not isinstance(exc, psycopg.OperationalError):
        return False
    state = exc.sqlstate
    return state is None or state.startswith(_LOST_SQLSTATE_PREFIXES)


def describe_lost_connection(exc: BaseException) -> str:
    """One line for a session that died: what PostgreSQL (or libpq) said, and what to do."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    reason = lines[0] if lines else type(exc).__name__
    return f"lost the database connection: {reason}; check that the server is up and try again"


@contextlib.contextmanager
def one_line_database_errors(failure: str) -> Iterator[None]:
    """A database error as one line: exit 3 when the session is lost, else exit 1 as
    `failure: <PostgreSQL's message>` (the caller's writes roll back with the error)."""
    try:
        yield
    except psycopg.Error as exc:
        if connection_lost(exc):
            raise DatabaseUnreachable(describe_lost_connection(exc)) from None
        lines = str(exc).strip().splitlines()
        message = exc.diag.message_primary or (lines[0] if lines else type(exc).__name__)
        raise OperationFailed(f"{failure}: {message}") from None


def describe_connect_failure(target: DatabaseTarget, exc: BaseException) -> str:
    """One line naming the database (redacted), what failed, and what to do."""
    # Scrubbed before lines are joined: a password may hold a tab or a newline.
    raw = scrub_url_secrets(str(exc), target.conninfo)
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    reason = " ".join(lines) if lines else type(exc).__name__
    reason = reason.removeprefix("connection failed:").replace("FATAL:  ", "").strip()
    if target.embedded:
        # Nothing for the person to configure: point at the server's log and its controls.
        hint = (
            f"the embedded server is not answering; see its log {target.log_file}, or restart "
            "it with cfbops --headless server stop, then server start"
        )
    elif "password authentication failed" in reason or "no password supplied" in reason:
        hint = f"check the user and password in {target.origin}"
    else:
        hint = f"check that the server is running and {target.origin} is right"
    message = f"cannot connect to {target.display_url}: {reason}; {hint}"
    return scrub_url_secrets(message, target.conninfo)


def describe_unparsable_target(target: DatabaseTarget, exc: BaseException) -> str:
    """One line naming the (redacted) connection string libpq rejected, and what to do."""
    reason = libpq_reason(target.conninfo, exc)
    return (
        f"the database URL {target.display_url} is not a valid connection string: {reason}; "
        f"fix {target.origin}, e.g. postgresql://USER@HOST:5432/DB"
    )


def server_version(conn: psycopg.Connection) -> str:
    """The server's version as PostgreSQL prints it, e.g. '18.4'."""
    row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]).split()[0] if row else "unknown"
