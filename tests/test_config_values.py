"""Every malformed URL or configuration value is one line, exit 2, naming its key — never
an internal error later (issue 25 §1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfbops.config import load_settings
from cfbops.errors import ConfigError
from tests.conftest import cli_env, run_cli


def refused(tmp_path: Path, env: dict[str, str] | None = None, toml: str = "") -> str:
    if toml:
        (tmp_path / "cfbops.toml").write_text(toml)
    with pytest.raises(ConfigError) as refusal:
        load_settings(env=env or {}, cwd=tmp_path)
    message = str(refusal.value)
    assert "\n" not in message
    return message


def test_sync_markets_with_a_port_that_is_not_a_number_is_exit_2_naming_the_key(
    tmp_path: Path,
) -> None:
    env = cli_env(CFBOPS_MARKETS="1", CFBOPS_KALSHI_URL="http://127.0.0.1::1/trade-api/v2")
    done = run_cli("--database-url", "postgresql://u@127.0.0.1:1/db", "--headless", "sync",
                   "markets", env=env)  # fmt: skip

    assert done.returncode == 2
    assert "internal error" not in done.stderr
    assert "CFBOPS_KALSHI_URL" in done.stderr and "port" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("key", "url", "problem"),
    [
        ("kalshi_url", "http://127.0.0.1:99999/k", "port is not a number from 1 to 65535"),
        ("polymarket_url", "ftp://gamma.example", "not http or https"),
        ("cfbd_url", "http:///v2", "no host"),
        ("cfbd_url", "https://api.example:0", "port 0"),
        ("kalshi_url", "http://h/trade api", "space"),
        ("polymarket_url", "http://u:secret@gamma.example", "no user or password"),
        ("cfbd_url", "https://api.example/?key=1", "no query"),
    ],
)
def test_a_bad_service_url_in_the_config_file_names_its_key(
    tmp_path: Path, key: str, url: str, problem: str
) -> None:
    message = refused(tmp_path, toml=f"{key} = {json.dumps(url)}\n")

    assert f"{key} in config file" in message and problem in message
    assert "secret" not in message


def test_a_bad_service_url_in_the_environment_names_the_variable(tmp_path: Path) -> None:
    message = refused(tmp_path, {"CFBOPS_POLYMARKET_URL": "gamma-api.polymarket.com"})

    assert message.startswith("CFBOPS_POLYMARKET_URL is not a usable URL")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"CFBOPS_CONNECT_TIMEOUT": "99999999999"}, "CFBOPS_CONNECT_TIMEOUT"),
        ({"CFBOPS_LOCK_TIMEOUT": "99999999d"}, "CFBOPS_LOCK_TIMEOUT"),
        ({"CFBOPS_KALSHI_SERIES": "KXNFLTD, not a ticker"}, "CFBOPS_KALSHI_SERIES"),
        ({"CFBOPS_HOME": "~no_such_user_here/cfbops"}, "CFBOPS_HOME"),
    ],
)
def test_a_bad_value_in_the_environment_names_the_variable(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    assert named in refused(tmp_path, env)


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ("connect_timeout = 100000000000\n", "connect_timeout"),
        ('statement_timeout = "25d"\n', "statement_timeout"),
        ('home = "/tmp/a\\u0000b"\n', "home"),
        ('sql_dir = "~no_such_user_here/sql"\n', "sql_dir"),
        ("kalshi_series = []\n", "kalshi_series"),
        ('kalshi_series = ["KXNFLTD", 7]\n', "kalshi_series"),
        ('kalshi_series = "KXNFLTD"\n', "kalshi_series"),
    ],
)
def test_a_bad_value_in_the_config_file_names_its_key(
    tmp_path: Path, toml: str, named: str
) -> None:
    assert named in refused(tmp_path, toml=toml)


def test_a_cfbd_key_that_cannot_travel_in_a_header_is_refused_unshown(tmp_path: Path) -> None:
    message = refused(tmp_path, {"CFBD_API_KEY": "k3y-s3cret\n"})

    assert "CFBD_API_KEY" in message and "k3y-s3cret" not in message


def test_kalshi_series_come_from_the_environment_or_the_file(tmp_path: Path) -> None:
    (tmp_path / "cfbops.toml").write_text('kalshi_series = ["kxnfltd", "KXNFLFIRSTTD"]\n')

    assert load_settings(env={}, cwd=tmp_path).kalshi_series == ("KXNFLTD", "KXNFLFIRSTTD")
    from_env = load_settings(env={"CFBOPS_KALSHI_SERIES": "KXNFLANYTD"}, cwd=tmp_path)
    assert from_env.kalshi_series == ("KXNFLANYTD",)
