"""Connection strings shown to people: the password never leaves this module."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

REDACTED = "****"
_SECRET_PARAMS = {"password", "sslpassword"}
_KEYWORD_SECRET = re.compile(
    r"\b(password|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE
)
# user:password@ in a URI that urlsplit cannot parse (e.g. an unclosed IPv6 bracket).
_URI_USERINFO_PASSWORD = re.compile(r"://[^:@/]*:([^@/]*)@")


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
        match = _URI_USERINFO_PASSWORD.search(url)
        return match.group(1) if match else None
    for key, value in parse_qsl(parts.query):
        if key.lower() == "password":
            return value
    return parts.password


def scrub(text: str, *secrets: str | None) -> str:
    """Remove each secret (raw and URL-quoted) from a piece of text."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED).replace(quote(secret, safe=""), REDACTED)
    return text
