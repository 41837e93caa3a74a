"""A password holding any punctuation, unencoded, never reaches the output (issue 26 §1):
libpq, not Python's urllib, decides where a URL's password ends, so `#`, `?`, `/` and `@`
in it must be masked (or the URL refused) as libpq reads it, whichever way the URL came."""

from __future__ import annotations

import json
import os
import string
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from cfbops.cli import main

# The password's two halves: neither may appear, whatever libpq made of the character
# between them (part of the password, a host, a port, a database name).
LEFT, RIGHT = "Lft7qXw", "Rgt8zYv"
WAYS = ("--database-url", "DATABASE_URL", "CFBOPS_DATABASE_URL", "config file")
MODES = ((), ("--json",), ("-v",))


def urls_with(character: str) -> list[str]:
    """Nothing listens on 127.0.0.1:1, so each URL libpq accepts fails to connect."""
    password = f"{LEFT}{character}{RIGHT}"
    return [
        f"postgresql://ops:{password}@127.0.0.1:1/warehouse",
        f"postgresql://ops@127.0.0.1:1/warehouse?connect_timeout=5&password={password}",
    ]


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith(("PG", "CFBOPS_", "DATABASE_URL", "CFBD_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no cfbops.toml or pyproject.toml of the repository
    return tmp_path


def run_status(
    url: str, way: str, mode: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    args = [*mode, "--headless", "status"]
    with monkeypatch.context() as scoped:
        if way == "--database-url":
            args = ["--database-url", url, *args]
        elif way == "config file":
            config = tmp_path / "cfbops.toml"
            config.write_text(f"database_url = {json.dumps(url)}\n")
            args = ["--config", str(config), *args]
        else:
            scoped.setenv(way, url)
        return [str(main(args))]


@pytest.mark.parametrize("way", WAYS)
def test_no_punctuation_in_a_password_lets_it_reach_the_output(
    way: str,
    clean_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    leaks = []
    for character in string.punctuation:
        for url in urls_with(character):
            for mode in MODES:
                code = int(run_status(url, way, mode, clean_environment, monkeypatch)[0])
                out = capsys.readouterr()
                shown = out.out + out.err
                if LEFT in shown or RIGHT in shown or code not in (2, 3):
                    leaks.append(f"{character!r} {url} {mode}: exit {code}: {shown.strip()}")
                assert "internal error" not in shown and "Traceback" not in shown, shown
                if "--json" in mode:
                    assert json.loads(out.out)["ok"] is False
                assert len(out.err.strip().splitlines()) == 1, out.err
    assert leaks == []


@pytest.fixture
def role_with_punctuation(migrated_db) -> Iterator[str]:
    """A reader whose password each test sets (roles belong to the whole server)."""
    name = f"pw_probe_{uuid.uuid4().hex[:8]}"
    with migrated_db.connect() as conn:
        # The reader docs/security.md describes.
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN IN ROLE pg_read_all_data").format(sql.Identifier(name))
        )
        conn.execute(
            sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(
                sql.Identifier(name)
            )
        )
    try:
        yield name
    finally:
        with migrated_db.connect() as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_the_status_of_a_reachable_database_masks_a_password_with_a_hash_or_question_mark(
    migrated_db, role_with_punctuation: str, clean_environment: Path, capsys
) -> None:
    params = conninfo_to_dict(migrated_db.url)
    for character in "#?":
        password = f"{LEFT}{character}{RIGHT}"
        with migrated_db.connect() as conn:
            conn.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(role_with_punctuation), sql.Literal(password)
                )
            )
        url = (
            f"postgresql://{role_with_punctuation}:{password}@{params['host']}:{params['port']}"
            f"/{params['dbname']}"
        )
        code = main(["--database-url", url, "--json", "--headless", "status"])
        out = capsys.readouterr()
        assert out.out, out.err
        document = json.loads(out.out)

        assert code in (0, 1), document
        assert document["database"]["url"] == url.replace(password, "****")


COMMANDS = (
    ["migrate", "--plan"],
    ["refresh"],
    ["check"],
    ["backfill", "status"],
    ["budget"],
    ["grade", "--season", "2024"],
    ["contract", "--check"],
)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_keeps_a_punctuated_password_out_of_its_output(
    command: list[str],
    clean_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for character in "#?/@":
        url = urls_with(character)[0]
        monkeypatch.setenv("CFBOPS_DATABASE_URL", url)
        for mode in MODES:
            code = main([*mode, "--headless", *command])
            out = capsys.readouterr()
            assert code in (2, 3), (url, out.err)
            assert LEFT not in out.out + out.err and RIGHT not in out.out + out.err, out.err
            assert "internal error" not in out.err
