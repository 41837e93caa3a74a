"""Connection strings shown to people: the password never leaves this module."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from cfbops.errors import ConfigError

REDACTED = "****"
_SECRET_PARAMS = {"password", "sslpassword"}
POSTGRES_SCHEMES = ("postgresql", "postgres")
_KEYWORD_SECRET = re.compile(
    r"\b(password|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE
)
# user:password@ in a URI that urlsplit cannot parse (e.g. an unclosed IPv6 bracket).


def redact_url(url: str | None) -> str:
    """Return the URL or libpq keyword string with every password replaced by ****."""
    if not url:
        return ""
    if "://" not in url:
        return _KEYWORD_SECRET.sub(lambda m: f"{m.group(1)}={REDACTED}", url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"://[^@/]*@", f"://{REDACTED}@", url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostinfo = netloc.rpartition("@")
        user, colon, _password = userinfo.partition(":")
        netloc = f"{user}:{REDACTED}@{hostinfo}" if colon else f"{user}@{hostinfo}"
    query = parts.query
    if query:
        pairs = [
            (key, REDACTED if key.lower() in _SECRET_PARAMS else value)
            for key, value in parse_qsl(query, keep_blank_values=True)
        ]
        query = urlencode(pairs, safe="*/")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def password_of(url: str | None) -> str | None:
    """The password a URL carries, so error text can be scrubbed of it."""
    if not url:
        return None
    if "://" not in url:
        match = _KEYWORD_SECRET.search(url)
        return match.group(2).strip("'") if match else None
    try:
        parts = urlsplit(url)
    except ValueError:
        return _raw_userinfo_password(url)
    for key, value in parse_qsl(parts.query):
        if key.lower() == "password":
            return value
    return parts.password


def _raw_userinfo_password(url: str) -> str | None:
    # For URLs urlsplit rejects (a broken IPv6 host): everything between the first ':'
    # of the userinfo and its last '@' is the password.
    match = re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)@", url)
    if not match:
        return None
    return match.group(1).partition(":")[2] or None


def scrub(text: str, *secrets: str | None) -> str:
    """Remove each secret (raw and URL-quoted) from a piece of text."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED).replace(quote(secret, safe=""), REDACTED)
    return text


def check_database_url(url: str, origin: str) -> None:
    """Refuse, in one line naming where it came from, a URL libpq cannot use; never echo
    its password."""
    if not url:
        return  # the libpq environment (PG*) supplies everything
    shown = redact_url(url)
    scheme = url.partition("://")[0].lower() if "://" in url else None
    if scheme is not None and scheme not in POSTGRES_SCHEMES:
        raise ConfigError(
            f"{origin} is not a PostgreSQL URL ({shown}); it must start with postgresql://"
        )
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    try:
        params = conninfo_to_dict(url)
    except ProgrammingError as exc:
        reason = scrub(" ".join(str(exc).split()).replace(url, shown), password_of(url))
        fix = (
            "percent-encode special characters in the user and password (% as %25, @ as %40)"
            if "percent" in reason
            else "see https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING"
        )
        raise ConfigError(
            f"{origin} is not a valid PostgreSQL URL ({shown}): {reason}; {fix}"
        ) from None
    for port in str(params.get("port") or "").split(","):
        if port and not (port.isdigit() and 0 < int(port) < 65536):
            raise ConfigError(
                f"{origin} has an invalid port {port!r} ({shown}); use a number from 1 to 65535"
            )


def scrub_known_secrets(
    text: str, urls: Iterable[str | None] = (), secrets: Iterable[str | None] = ()
) -> str:
    """Scrub the password of every URL, and every bare secret, from `text`."""
    return scrub(text, *(password_of(url) for url in urls), *secrets)
