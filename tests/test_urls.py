"""Passwords never leave redact_url."""

from __future__ import annotations

import pytest

from cfbops.db.urls import password_of, redact_url, scrub


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
        ("", ""),
    ],
)
def test_redact_url_hides_every_password(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_password_of_reads_uri_and_keyword_forms() -> None:
    assert password_of("postgresql://u:pw@h/db") == "pw"
    assert password_of("host=h password=pw dbname=d") == "pw"
    assert password_of("postgresql://u@h/db") is None


def test_scrub_removes_raw_and_quoted_secrets() -> None:
    assert scrub("failed for s3cr@t and s3cr%40t", "s3cr@t") == "failed for **** and ****"
