"""Connection strings shown to people: the password never leaves this module.

A URL is split here as libpq splits it, not as Python's urllib does: libpq takes the user
and password up to the first `@` (unless a `/` comes first) and gives `#` and `?` no
meaning there, so `u:pa#ss@h` and `u:pa?ss@h` carry the password `pa#ss` and `pa?ss`.
Where libpq's reading and the author's intent may differ (an unencoded `@` or `/` in the
password) or libpq rejects the URL, everything between `://` and the last `@` is hidden.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote

from cfbops.errors import ConfigError

REDACTED = "****"
_SECRET_PARAMS = {"password", "sslpassword"}
POSTGRES_SCHEMES = ("postgresql", "postgres")
# A keyword string's password: quoted, or up to whitespace libpq does not see escaped.
_KEYWORD_SECRET = re.compile(
    r"\b(password|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|(?:\\.|\S)+)", re.IGNORECASE
)
# In a keyword string libpq rejects, all that follows `password=` may be password.
_KEYWORD_SECRET_TO_END = re.compile(r"\b(password|sslpassword)\s*=(.*)", re.IGNORECASE | re.DOTALL)
# Pieces of a possible password shorter than this are not scrubbed one by one (a stray "a"
# would mangle every word); the whole, and what libpq reads as the password, always are.
_SHORTEST_PIECE = 3
# A token libpq quotes in its parse errors ("…": "S3c%ret"), which may be part of a password.
_QUOTED = re.compile(r'"([^"]*)"')


@dataclass(frozen=True, slots=True)
class UriParts:
    """A URI cut where libpq cuts it; `clear` is False when a password may sit outside
    `userinfo` (libpq rejects the URL, or an `@` follows the one libpq split at)."""

    scheme: str
    userinfo: str | None  # raw text before the `@` libpq splits at; None without one
    rest: str  # hosts, path and query, raw
    clear: bool


def _split_uri(url: str) -> UriParts:
    scheme, _, after = url.partition("://")
    stop = re.search(r"[@/]", after)
    if stop is not None and stop.group() == "@":
        userinfo, rest = after[: stop.start()], after[stop.end() :]
    else:
        userinfo, rest = None, after
    # Another @ anywhere after the split, in a host, a path or a query, is most likely
    # the rest of a password (or of a user) that holds an unencoded @.
    clear = "@" not in rest and _libpq_parses(url)
    return UriParts(scheme, userinfo, rest, clear)


def _clear(url: str) -> bool:
    """True when libpq reads the string as its author most likely meant it."""
    return _split_uri(url).clear if "://" in url else _libpq_parses(url)


def _libpq_parses(url: str) -> bool:
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    if "\x00" in url:
        return False  # libpq reads up to a NUL; what follows it would be shown unmasked

    try:
        conninfo_to_dict(url)
    except ProgrammingError:
        return False
    return True


def _mask_query(text: str) -> str:
    """`password=` and `sslpassword=` values in a URI's query masked; the rest verbatim."""
    head, mark, query = text.partition("?")
    if not mark:
        return text
    pairs = []
    for pair in query.split("&"):
        key, equals, _value = pair.partition("=")
        secret = equals and unquote(key).strip().lower() in _SECRET_PARAMS
        pairs.append(f"{key}={REDACTED}" if secret else pair)
    return f"{head}?{'&'.join(pairs)}"


def _cut_at_query_secret(after: str) -> tuple[str, str | None]:
    """A doubtful URI past `://`: up to its first `password=` (or `sslpassword=`), and all
    that follows, which may be password (`password=ab&cd`, `password=a@b`) to the end."""
    for match in re.finditer(r"[?&]([^=&?]*)=", after):
        if unquote(match.group(1)).strip().lower() in _SECRET_PARAMS:
            return after[: match.end()], after[match.end() :]
    return after, None


def redact_url(url: str | None) -> str:
    """Return the URL or libpq keyword string with every password replaced by ****."""
    if not url:
        return ""
    return _printable(_redact(url))


def _printable(text: str) -> str:
    """Control characters (a newline in a pasted URL) escaped: a shown URL is one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _redact(url: str) -> str:
    if "://" not in url:
        if _libpq_parses(url):
            return _KEYWORD_SECRET.sub(lambda m: f"{m.group(1)}={REDACTED}", url)
        return _KEYWORD_SECRET_TO_END.sub(lambda m: f"{m.group(1)}={REDACTED}", url, count=1)
    parts = _split_uri(url)
    if not parts.clear:
        head, secret_tail = _cut_at_query_secret(url.partition("://")[2])
        _, at, tail = head.rpartition("@")
        shown = f"{REDACTED}@{tail}" if at else head
        return f"{parts.scheme}://{shown}{REDACTED if secret_tail is not None else ''}"
    if parts.userinfo is None:
        return f"{parts.scheme}://{_mask_query(parts.rest)}"
    user, colon, _password = parts.userinfo.partition(":")
    credentials = f"{user}:{REDACTED}" if colon else user
    return f"{parts.scheme}://{credentials}@{_mask_query(parts.rest)}"


def secrets_of(url: str | None) -> tuple[str, ...]:
    """Every piece of text in a connection string that may be a password (as libpq reads
    it, as its author meant it, raw and decoded), longest first, for scrubbing."""
    if not url:
        return ()
    found: set[str] = set()
    pieces: set[str] = set()
    if "://" not in url:
        for match in _KEYWORD_SECRET.finditer(url):
            found.add(match.group(2))
            found.add(match.group(2).strip("'"))
        if not _libpq_parses(url) and (rest := _KEYWORD_SECRET_TO_END.search(url)):
            found.add(rest.group(2).strip())
            pieces.update(rest.group(2).split())
    else:
        parts = _split_uri(url)
        if parts.userinfo is not None:
            found.add(parts.userinfo.partition(":")[2])
        if parts.clear:
            for pair in parts.rest.partition("?")[2].split("&"):
                key, _, value = pair.partition("=")
                if unquote(key).strip().lower() in _SECRET_PARAMS:
                    found.add(value)
        else:
            # After the user, everything up to the last @ may be password, and so may each
            # piece of it (libpq may have read a piece as a host, port or database); and
            # all that follows a password= in the query.
            head, secret_tail = _cut_at_query_secret(url.partition("://")[2])
            hidden = head.rpartition("@")[0].partition(":")[2]
            found.add(hidden)
            pieces.update(re.split(r"[:@/]", hidden))
            if secret_tail:
                found.add(secret_tail)
                pieces.update(re.split(r"[&@/?#]", secret_tail))
    found.update(p for p in pieces if len(p) >= _SHORTEST_PIECE)
    secrets = {s for s in found if s} | {unquote(s) for s in found if s}
    return tuple(sorted((s for s in secrets if s), key=len, reverse=True))


def password_of(url: str | None) -> str | None:
    """The longest secret a URL carries (see `secrets_of`, which error text should use)."""
    secrets = secrets_of(url)
    return secrets[0] if secrets else None


def scrub(text: str, *secrets: str | None) -> str:
    """Remove each secret (raw and URL-quoted) from a piece of text, longest first."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED).replace(quote(secret, safe=""), REDACTED)
    return text


def scrub_url_secrets(text: str, url: str | None) -> str:
    """`text` without any password `url` may carry."""
    return scrub(text, *secrets_of(url))


def libpq_reason(url: str, exc: Exception) -> str:
    """libpq's complaint about a connection string in one line, without any token it quotes
    from it, unless the token is a query key or value the redacted URL shows anyway
    (`invalid URI query parameter: "colour"`, `invalid sslmode value: "bogus"`)."""
    secrets = secrets_of(url)
    # Scrubbed before its whitespace is folded: a password may hold a tab or a newline.
    reason = " ".join(scrub(str(exc), *secrets).split())
    if not _clear(url):
        # Where the password ends is in doubt, and it may hold a quote itself: everything
        # from libpq's first quote to its last goes.
        return re.sub(r'".*"', f'"{REDACTED}"', reason)
    query = _redact(url).partition("?")[2] if "://" in url else ""
    pairs = [pair.partition("=") for pair in query.split("&") if pair]
    safe_tokens = {t for k, _, v in pairs for t in (k, unquote(v))} - {REDACTED, ""}

    def shown(match: re.Match[str]) -> str:
        token = match.group(1)
        harmless = token in safe_tokens and not any(token in s or s in token for s in secrets)
        punctuation = len(token) == 1 and not token.isalnum()  # the "=" or "]" it missed
        return match.group(0) if punctuation or harmless else f'"{REDACTED}"'

    return _QUOTED.sub(shown, reason)


def check_database_url(url: str, origin: str) -> None:
    """Refuse, in one line naming where it came from, a URL libpq cannot use or would read
    otherwise than its author meant; never echo its password."""
    if not url:
        return  # the libpq environment (PG*) supplies everything
    shown = redact_url(url)
    if "\x00" in url:
        raise ConfigError(f"{origin} holds a NUL character ({shown}); remove it")
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
        reason = libpq_reason(url, exc)
        fix = (
            "percent-encode special characters in the user and password (% as %25, @ as %40, "
            "space as %20)"
            if "percent" in reason or "spaces" in reason
            else "see https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING"
        )
        raise ConfigError(
            f"{origin} is not a valid PostgreSQL URL ({shown}): {reason}; {fix}"
        ) from None
    if scheme is not None and "@" in _split_uri(url).rest:
        raise ConfigError(
            f"{origin} has an unencoded @ after its user and password ({shown}); an @ or / "
            "in the user or password must be percent-encoded (@ as %40, / as %2F)"
        )
    for port in str(params.get("port") or "").split(","):
        if port and not (port.isdigit() and 0 < int(port) < 65536):
            raise ConfigError(
                f"{origin} has an invalid port ({shown}); use a number from 1 to 65535 "
                "(and percent-encode / in a password as %2F)"
            )


def scrub_known_secrets(
    text: str, urls: Iterable[str | None] = (), secrets: Iterable[str | None] = ()
) -> str:
    """Scrub every secret of every URL, and every bare secret, from `text`."""
    return scrub(text, *(s for url in urls for s in secrets_of(url)), *secrets)
