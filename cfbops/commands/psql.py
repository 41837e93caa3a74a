"""`cfbops psql [PSQL ARGS…]`: psql on the configured database, connected through its
environment (PGHOST, PGPASSWORD, …) so the password is never on a command line."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from cfbops.config import Settings
from cfbops.errors import ConfigError

# libpq's connection parameters and the environment variables libpq reads for each.
LIBPQ_ENVIRONMENT: dict[str, str] = {
    "host": "PGHOST",
    "hostaddr": "PGHOSTADDR",
    "port": "PGPORT",
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "require_auth": "PGREQUIREAUTH",
    "channel_binding": "PGCHANNELBINDING",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "sslmode": "PGSSLMODE",
    "sslnegotiation": "PGSSLNEGOTIATION",
    "sslcompression": "PGSSLCOMPRESSION",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcrl": "PGSSLCRL",
    "sslcrldir": "PGSSLCRLDIR",
    "sslsni": "PGSSLSNI",
    "requirepeer": "PGREQUIREPEER",
    "ssl_min_protocol_version": "PGSSLMINPROTOCOLVERSION",
    "ssl_max_protocol_version": "PGSSLMAXPROTOCOLVERSION",
    "gssencmode": "PGGSSENCMODE",
    "krbsrvname": "PGKRBSRVNAME",
    "gsslib": "PGGSSLIB",
    "gssdelegation": "PGGSSDELEGATION",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "client_encoding": "PGCLIENTENCODING",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "load_balance_hosts": "PGLOADBALANCEHOSTS",
}
READ_ONLY_OPTION = "-c default_transaction_read_only=on"


def psql_environment(
    conninfo: str, base: Mapping[str, str], *, read_only: bool = False
) -> dict[str, str]:
    """`base` with the connection's parameters set as libpq environment variables."""
    from psycopg.conninfo import conninfo_to_dict

    env = dict(base)
    for key, value in conninfo_to_dict(conninfo).items():
        name = LIBPQ_ENVIRONMENT.get(key)
        if name is None:
            raise ConfigError(
                f"the connection parameter {key!r} has no libpq environment variable, and "
                "cfbops psql never puts the connection on psql's command line; "
                "run psql yourself with it"
            )
        env[name] = str(value)
    env.setdefault("PGAPPNAME", "cfbops psql")
    if read_only:
        env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {READ_ONLY_OPTION}".strip()
    return env


def find_psql() -> Path:
    """The embedded PostgreSQL's psql (same version as its server), else psql on PATH."""
    from cfbops.db.embedded import find_binaries

    bin_dir = find_binaries()
    if bin_dir is not None and (bin_dir / "psql").exists():
        return bin_dir / "psql"
    found = shutil.which("psql")
    if found is None:
        raise ConfigError("psql is not installed (install postgresql-client) and not on PATH")
    return Path(found)


def _require_reachable(target, connect_timeout: int) -> None:
    """Connect once first, so an unreachable server is one line and exit 3, as for every
    command (psql itself would exit 2). No check of cfbops's own tables: psql is how a
    person mends them."""
    import psycopg

    from cfbops.db.connect import describe_connect_failure, describe_unparsable_target
    from cfbops.errors import DatabaseUnreachable

    try:
        psycopg.connect(target.conninfo, connect_timeout=connect_timeout).close()
    except psycopg.OperationalError as exc:
        raise DatabaseUnreachable(describe_connect_failure(target, exc)) from None
    except psycopg.ProgrammingError as exc:
        raise ConfigError(describe_unparsable_target(target, exc)) from None


def run_psql(settings: Settings, psql_args: Sequence[str]) -> int:
    """Replace this process with psql connected to the settings' database."""
    from cfbops.db.connect import resolve_target

    psql = find_psql()
    target = resolve_target(settings)
    _require_reachable(target, settings.connect_timeout)
    env = psql_environment(target.conninfo, os.environ, read_only=settings.read_only)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(psql, [str(psql), *psql_args], env)
    return 1  # not reached: execve replaces the process or raises
