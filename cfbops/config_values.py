"""Checks of single configuration values, each refused in one line naming its key (exit 2)
before any command runs, never half-way through one as an internal error (issue 25 §1)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from cfbops.errors import ConfigError

HTTP_URL_FORM = "http(s)://HOST[:PORT][/PATH] with a port from 1 to 65535"
# libpq's connect_timeout and PostgreSQL's timeouts are 32-bit: beyond this they fail later.
MAX_CONNECT_TIMEOUT_S = 86_400
# A Kalshi series ticker, as the trade API spells them (KXNFLANYTD, KXNFLTD).
SERIES_TICKER = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,63}$")
# HOST or [IPv6] then an optional :PORT, and nothing else (urllib lets `[::1]=:` through).
_HOST_AND_PORT = re.compile(r"^(\[[0-9A-Fa-f:.%]+\]|[^\[\]:@]+)(:\d*)?$")


def _unprintable(text: str) -> str | None:
    """The first whitespace or control character in `text`, described; None if none."""
    for index, character in enumerate(text):
        if character.isspace() or not character.isprintable():
            return f"a {'space' if character == ' ' else repr(character)} at position {index}"
    return None


def _shown(url: str) -> str:
    """A URL as an error may show it: a user and password before an @ hidden, anything
    unprintable escaped."""
    masked = re.sub(r"^([^:/?#]*://)[^/?#]*@", r"\1****@", url)
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in masked)


def check_http_url(url: str, origin: str) -> str:
    """A base URL the HTTP client can use: http or https, a host, a port in range, no query,
    no credentials, nothing unprintable. Returns it unchanged."""
    problem = _unprintable(url)
    if problem is None:
        try:
            parts = urlsplit(url)
            port = parts.port  # raises for a port that is not a number, or out of range
        except ValueError as exc:
            problem = (
                "its port is not a number from 1 to 65535"
                if "Port" in str(exc)
                else f"it does not parse as a URL ({exc})"
            )
        else:
            if parts.scheme.lower() not in ("http", "https"):
                problem = f"the scheme is {parts.scheme or 'missing'}, not http or https"
            elif not parts.hostname:
                problem = "it names no host"
            elif not _HOST_AND_PORT.match(parts.netloc.rpartition("@")[2]):
                problem = "its host and port are not HOST[:PORT] or [IPv6][:PORT]"
            elif port == 0:
                problem = "port 0 is no port"
            elif parts.username is not None or parts.password is not None:
                problem = "a base URL carries no user or password"
            elif parts.query or parts.fragment or url.endswith(("?", "#")):
                problem = "a base URL has no query or fragment"
    if problem is not None:
        raise ConfigError(
            f"{origin} is not a usable URL ({_shown(url)}): {problem}; use {HTTP_URL_FORM}"
        )
    return url


def check_connect_timeout(value: int, origin: str) -> int:
    if not 0 <= value <= MAX_CONNECT_TIMEOUT_S:
        raise ConfigError(
            f"{origin}={value} must be 0 (wait forever) or more seconds, at most "
            f"{MAX_CONNECT_TIMEOUT_S}"
        )
    return value


def check_path(value: str, origin: str) -> Path:
    """A path from the environment or the config file, with ~ expanded."""
    if "\x00" in value:
        raise ConfigError(f"{origin} holds a NUL character; give a plain path")
    try:
        return Path(value).expanduser()
    except RuntimeError:  # ~name of a user that does not exist
        raise ConfigError(
            f"{origin}={value!r}: {value.split('/')[0]} names no user's home; give the path in full"
        ) from None


def resolved(path: Path, origin: str) -> Path:
    """`path` made absolute, symlinks followed; a loop is refused, not raised."""
    try:
        return path.resolve()
    except (RuntimeError, OSError) as exc:
        raise ConfigError(f"{origin}={str(path)!r} cannot be resolved: {exc}") from None


def check_api_key(key: str, origin: str) -> str:
    """A key that can travel in an HTTP header; never echoed."""
    problem = _unprintable(key) or (None if key.isascii() else "a character that is not ASCII")
    if problem is not None:
        raise ConfigError(
            f"{origin} holds {problem} (the key itself is not shown); copy the key again "
            "without quotes, spaces or line breaks"
        )
    return key


def series_list(value: str | list[object], origin: str) -> tuple[str, ...]:
    """Kalshi series tickers from a comma-separated string or a TOML list of strings."""
    items = value.split(",") if isinstance(value, str) else value
    series: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f"{origin} must list series tickers as strings, not {item!r}")
        ticker = item.strip().upper()
        if not SERIES_TICKER.match(ticker):
            raise ConfigError(
                f"{origin}: {item!r} is not a Kalshi series ticker (letters, digits and -, "
                "e.g. KXNFLANYTD)"
            )
        if ticker not in series:
            series.append(ticker)
    if not series:
        raise ConfigError(f"{origin} lists no series; e.g. KXNFLFIRSTTD,KXNFLANYTD,KXNFLTD")
    return tuple(series)
