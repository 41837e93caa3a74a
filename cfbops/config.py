"""Settings: flag > environment > config file > embedded default."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any

from cfbops.config_values import (
    check_api_key,
    check_connect_timeout,
    check_http_url,
    check_path,
    resolved,
    series_list,
)
from cfbops.db.urls import check_database_url
from cfbops.errors import ConfigError

CONFIG_FILE_NAME = "cfbops.toml"
DEFAULT_CFBD_URL = "https://api.collegefootballdata.com"
DEFAULT_KALSHI_URL = "https://api.elections.kalshi.com/trade-api/v2"
DEFAULT_POLYMARKET_URL = "https://gamma-api.polymarket.com"
# First-TD; anytime TD until 2026-02-08; anytime TD since, whose 1+ leg is the anytime one.
DEFAULT_KALSHI_SERIES = ("KXNFLFIRSTTD", "KXNFLANYTD", "KXNFLTD")

# libpq reads these itself; any of them set means "a database is configured".
LIBPQ_TARGET_VARS = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE")

# Keys a config file may hold, and the type each must have.
FILE_KEYS: dict[str, type] = {
    "database_url": str,
    "home": str,
    "read_only": bool,
    "cfbd_api_key": str,
    "cfbd_url": str,
    "connect_timeout": int,
    "lock_timeout": str,
    "statement_timeout": str,
    "sql_dir": str,
    "markets": bool,
    "kalshi_url": str,
    "kalshi_series": list,
    "polymarket_url": str,
}


DURATION_FORM = (
    "a whole number of milliseconds, or a number with a unit: us, ms, s, min, h, d "
    "(e.g. 500, 2s, 10min) up to 24 days; 0 means no limit"
)
_DURATION = re.compile(r"^(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>us|ms|s|min|h|d)?$")
# PostgreSQL's timeouts are 32-bit counts of milliseconds (about 24.8 days).
MAX_DURATION_MS = 2_147_483_647


def parse_duration(text: str) -> float | None:
    """A PostgreSQL time setting in milliseconds, or None when PostgreSQL would refuse it
    (negative, no number, an unknown unit, more than about 24 days)."""
    match = _DURATION.match(text.strip())
    if match is None:
        return None
    scale = {"us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
    milliseconds = float(match["amount"]) * scale[match["unit"] or "ms"]
    return milliseconds if milliseconds <= MAX_DURATION_MS else None


def default_sql_dir() -> Path:
    """The project's own migrations and repeatables, shipped inside the package."""
    return Path(str(resources.files("cfbops").joinpath("sql")))


class DatabaseSource(Enum):
    FLAG = "flag"
    ENVIRONMENT = "environment"
    LIBPQ_ENVIRONMENT = "libpq environment"
    CONFIG_FILE = "config file"
    EMBEDDED = "embedded"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a cfbops operation needs to know about where and how to run."""

    database_url: str | None
    database_source: DatabaseSource
    home: Path
    read_only: bool = False
    verbose: bool = False
    cfbd_api_key: str | None = field(default=None, repr=False)
    cfbd_url: str = DEFAULT_CFBD_URL
    connect_timeout: int = 10
    lock_timeout: str = "2s"
    statement_timeout: str = "0"
    config_file: Path | None = None
    # Where database_url came from, in the words an error message should use.
    database_origin: str = ""
    # --database: another database on the same server (the URL's, or the embedded one).
    database_name: str | None = None
    # Migrations and repeatables: one place, so every command, status and the console agree.
    sql_dir: Path = field(default_factory=default_sql_dir)
    # `sync markets` is off unless switched on: the prices are optional extras.
    markets: bool = False
    kalshi_url: str = DEFAULT_KALSHI_URL
    polymarket_url: str = DEFAULT_POLYMARKET_URL
    kalshi_series: tuple[str, ...] = DEFAULT_KALSHI_SERIES

    @property
    def embedded(self) -> bool:
        return self.database_source is DatabaseSource.EMBEDDED

    @property
    def database_origin_text(self) -> str:
        if self.database_origin:
            return self.database_origin
        return {
            DatabaseSource.FLAG: "--database-url",
            DatabaseSource.ENVIRONMENT: "DATABASE_URL",
            DatabaseSource.LIBPQ_ENVIRONMENT: "the PG* environment variables",
            DatabaseSource.CONFIG_FILE: f"database_url in {self.config_file or 'the config file'}",
            DatabaseSource.EMBEDDED: f"the embedded server under {self.home}",
        }[self.database_source]


# As root the server runs as a system user, which must reach the home: a system
# location it can, not /root/.local/share (cfbops will not open /root to others).
ROOT_DEFAULT_HOME = Path("/var/lib/cfbops")


def default_home() -> Path:
    from platformdirs import user_data_path

    if os.geteuid() == 0:
        return ROOT_DEFAULT_HOME
    return user_data_path("cfbops", appauthor=False)


def user_config_file() -> Path:
    from platformdirs import user_config_path

    return user_config_path("cfbops", appauthor=False) / CONFIG_FILE_NAME


def find_config_file(cwd: Path, explicit: Path | None) -> tuple[Path | None, dict[str, Any]]:
    """Locate and read the config file; an explicit --config must exist."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"config file {explicit} does not exist (check --config)")
        return explicit, _read_table(explicit, pyproject=explicit.name == "pyproject.toml")
    local = cwd / CONFIG_FILE_NAME
    if local.is_file():
        return local, _read_table(local, pyproject=False)
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        table = _read_table(pyproject, pyproject=True)
        if table:
            return pyproject, table
    user = user_config_file()
    if user.is_file():
        return user, _read_table(user, pyproject=False)
    return None, {}


def _read_table(path: Path, *, pyproject: bool) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    if pyproject:
        table = document.get("tool", {}).get("cfbops", {})
    else:
        table = document.get("cfbops", document)
    if not isinstance(table, dict):
        raise ConfigError(f"config file {path}: [cfbops] must be a table")
    for key, value in table.items():
        expected = FILE_KEYS.get(key)
        if expected is None:
            known = ", ".join(sorted(FILE_KEYS))
            raise ConfigError(f"config file {path}: unknown key {key!r} (known keys: {known})")
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(
                f"config file {path}: {key} must be a {expected.__name__}, "
                f"not {type(value).__name__}"
            )
    return table


def load_settings(
    *,
    database_url: str | None = None,
    database: str | None = None,
    config: Path | None = None,
    home: Path | None = None,
    read_only: bool = False,
    verbose: bool = False,
    sql_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Resolve settings from flags, then the environment, then a config file."""
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    config = config or _env_path(env, "CFBOPS_CONFIG")
    config_file, table = find_config_file(cwd, config)
    values = _Values(env, table, config_file)

    url, source, origin = _resolve_database(database_url, env, table, config_file)
    if url is not None and source is not DatabaseSource.EMBEDDED:
        check_database_url(url, origin)
    home_value = home or values.path("home")
    sql_dir_value = sql_dir or values.path("sql_dir")
    return Settings(
        database_url=url,
        database_source=source,
        home=resolved((home_value or default_home()).expanduser(), "home"),
        read_only=read_only or _env_bool(env, "CFBOPS_READ_ONLY") or bool(table.get("read_only")),
        verbose=verbose,
        cfbd_api_key=values.api_key(),
        cfbd_url=values.http_url("cfbd_url", DEFAULT_CFBD_URL),
        connect_timeout=_connect_timeout(env, table, config_file),
        lock_timeout=_duration_setting(env, table, config_file, "lock_timeout", "2s"),
        statement_timeout=_duration_setting(env, table, config_file, "statement_timeout", "0"),
        config_file=config_file,
        database_origin=origin,
        database_name=_database_name(database),
        sql_dir=resolved(sql_dir_value.expanduser(), "sql_dir")
        if sql_dir_value
        else default_sql_dir(),
        # An explicit CFBOPS_MARKETS=0 switches off what the file switched on.
        markets=_env_bool(env, "CFBOPS_MARKETS")
        if env.get("CFBOPS_MARKETS", "").strip()
        else bool(table.get("markets")),
        kalshi_url=values.http_url("kalshi_url", DEFAULT_KALSHI_URL),
        polymarket_url=values.http_url("polymarket_url", DEFAULT_POLYMARKET_URL),
        kalshi_series=values.series(),
    )


@dataclass(frozen=True, slots=True)
class _Values:
    """One setting from CFBOPS_<KEY> or else the config file, checked, its origin named."""

    env: Mapping[str, str]
    table: Mapping[str, Any]
    config_file: Path | None

    def _raw(self, key: str, env_name: str | None = None) -> tuple[Any, str] | None:
        name = env_name or f"CFBOPS_{key.upper()}"
        if self.env.get(name):
            return self.env[name], name
        if self.table.get(key) not in (None, ""):
            return self.table[key], f"{key} in config file {self.config_file}"
        return None

    def http_url(self, key: str, default: str) -> str:
        found = self._raw(key)
        return check_http_url(*found) if found else default

    def path(self, key: str) -> Path | None:
        """A path; a relative one in the config file is relative to that file."""
        found = self._raw(key)
        if found is None:
            return None
        path = check_path(*found)
        if not found[1].startswith("CFBOPS_") and not path.is_absolute() and self.config_file:
            path = self.config_file.parent / path
        return path

    def api_key(self) -> str | None:
        found = self._raw("cfbd_api_key", "CFBD_API_KEY")
        return check_api_key(*found) if found else None

    def series(self) -> tuple[str, ...]:
        found = self._raw("kalshi_series")
        return series_list(*found) if found else DEFAULT_KALSHI_SERIES


def _resolve_database(
    flag: str | None, env: Mapping[str, str], table: Mapping[str, Any], config_file: Path | None
) -> tuple[str | None, DatabaseSource, str]:
    if flag:
        return flag, DatabaseSource.FLAG, "--database-url"
    for name in ("CFBOPS_DATABASE_URL", "DATABASE_URL"):
        if env.get(name):
            return env[name], DatabaseSource.ENVIRONMENT, name
    if any(env.get(name) for name in LIBPQ_TARGET_VARS):
        # An empty conninfo lets libpq take host, port, user and password from PG*.
        return "", DatabaseSource.LIBPQ_ENVIRONMENT, "the PG* environment variables"
    if table.get("database_url"):
        return table["database_url"], DatabaseSource.CONFIG_FILE, f"database_url in {config_file}"
    return None, DatabaseSource.EMBEDDED, ""


def _database_name(name: str | None) -> str | None:
    if name is None:
        return None
    if not name.strip() or "\x00" in name:
        raise ConfigError(f"--database {name!r} is not a database name (e.g. cfbops_demo)")
    return name


def _duration_setting(
    env: Mapping[str, str],
    table: Mapping[str, Any],
    config_file: Path | None,
    key: str,
    default: str,
) -> str:
    """A timeout from CFBOPS_<KEY> or the config file, refused up front unless PostgreSQL
    would take it (else it fails mid-run as an internal error)."""
    name = f"CFBOPS_{key.upper()}"
    if env.get(name):
        value, origin = env[name], name
    elif key in table:
        value, origin = table[key], f"{key} in config file {config_file}"
    else:
        return default
    if parse_duration(value) is None:
        raise ConfigError(f"{origin}={value!r} is not a duration ({DURATION_FORM})")
    return value.strip()


def _connect_timeout(
    env: Mapping[str, str], table: Mapping[str, Any], config_file: Path | None
) -> int:
    from_env = _env_int(env, "CFBOPS_CONNECT_TIMEOUT")
    value = from_env if from_env is not None else table.get("connect_timeout", 10)
    origin = (
        "CFBOPS_CONNECT_TIMEOUT"
        if from_env is not None
        else f"connect_timeout in config file {config_file}"
    )
    return check_connect_timeout(value, origin)


def _env_path(env: Mapping[str, str], name: str) -> Path | None:
    value = env.get(name)
    return Path(value) if value else None


def _env_bool(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no)")


def _env_int(env: Mapping[str, str], name: str) -> int | None:
    value = env.get(name)
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number of seconds (e.g. 10)") from None
