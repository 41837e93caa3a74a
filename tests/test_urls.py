"""Passwords never leave redact_url."""

from __future__ import annotations

import pytest

from cfbops.db.urls import password_of, redact_url, scrub
from tests.conftest import run_cli


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:s3cr%40t@h:5432/db", "postgresql://u:****@h:5432/db"),
        ("postgres://u@h/db", "postgres://u@h/db"),
        (
            "postgresql://u:pw@h/db?sslmode=require&password=pw2",
            "postgresql://u:****@h/db?sslmode=require&password=****",
        ),
        ("host=h user=u password=hunter2 dbname=d", "host=h user=u password=**** dbname=d"),
        ("host=h password='a b c' dbname=d", "host=h password=**** dbname=d"),
        (
            "postgresql://u@h/db?sslmode=verify-full&sslpassword=k3y",
            "postgresql://u@h/db?sslmode=verify-full&sslpassword=****",
        ),
        ("host=h sslpassword='k e y' sslmode=require", "host=h sslpassword=**** sslmode=require"),
        ("host=h SSLPASSWORD=k3y", "host=h SSLPASSWORD=****"),
        # urlsplit cannot parse an unclosed IPv6 bracket: the whole userinfo goes.
        ("postgresql://u:hunter2@[::1/db", "postgresql://****@[::1/db"),
        ("", ""),
        # libpq reads # and ? in the userinfo as part of the password; urllib does not.
        ("postgresql://u:pw#x@h:5432/db", "postgresql://u:****@h:5432/db"),
        ("postgresql://u:pw?x@h:5432/db", "postgresql://u:****@h:5432/db"),
        # An unencoded @ or / in the password: libpq would read part of it as a host,
        # port or database, so everything up to the last @ goes.
        ("postgresql://u:pw@x@h:5432/db", "postgresql://****@h:5432/db"),
        ("postgresql://u:pw/x@h:5432/db", "postgresql://****@h:5432/db"),
        # libpq rejects it: `password=ab&cd` may be one password, so the rest of the query goes.
        ("postgresql://u@h/db?password=ab&cd", "postgresql://****@h/db?password=****"),
    ],
)
def test_redact_url_hides_every_password(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_password_of_reads_uri_and_keyword_forms() -> None:
    assert password_of("postgresql://u:pw@h/db") == "pw"
    assert password_of("host=h password=pw dbname=d") == "pw"
    assert password_of("postgresql://u@h/db") is None
    assert password_of("postgresql://u:hunter2@[::1/db") == "hunter2"
    assert password_of("postgresql://u@[::1/db") is None


def test_scrub_removes_raw_and_quoted_secrets() -> None:
    assert scrub("failed for s3cr@t and s3cr%40t", "s3cr@t") == "failed for **** and ****"


# Port 1 on this machine: nothing listens there, so each command fails to connect.
@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u@127.0.0.1:1/db?sslpassword=k3y-s3cret&connect_timeout=5",
        "host=127.0.0.1 port=1 user=u dbname=db sslpassword=k3y-s3cret connect_timeout=5",
    ],
)
def test_an_ssl_key_password_never_reaches_the_output(url: str) -> None:
    result = run_cli("--database-url", url, "--headless", "status")
    assert result.returncode == 3
    assert "k3y-s3cret" not in result.stdout + result.stderr
    assert "sslpassword=****" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unparsable_url_is_a_usage_error_that_hides_its_password() -> None:
    result = run_cli("--database-url", "postgresql://u:hunter2@[::1/db", "--headless", "status")
    assert result.returncode == 2
    assert "hunter2" not in result.stdout + result.stderr
    assert "not a valid PostgreSQL URL" in result.stderr
    assert "--database-url" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
