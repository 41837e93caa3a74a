"""Every option and environment value is checked before anything runs —
exit 2 and one line naming the value and the form it must take."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cfbops.progress import Progress
from tests.conftest import DatabaseUnderTest, cli_env, run_cli


def one_line_usage_error(result, *expected: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "internal error" not in lines[0] and "Traceback" not in result.stderr
    for text in expected:
        assert text in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("args", "named", "form"),
    [
        (("refresh", "--wait", "nan"), "--wait", "finite number of seconds"),
        (("refresh", "--wait", "inf"), "--wait", "finite number of seconds"),
        (("migrate", "--wait", "nan"), "--wait", "finite number of seconds"),
        (("migrate", "--to", "abc"), "--to", "0105"),
        (("migrate", "--baseline", "V1x"), "--baseline", "0105"),
        (("migrate", "--accept-drift", "latest"), "--accept-drift", "0105"),
        (("refresh", "--statement-timeout", "banana"), "--statement-timeout", "10min"),
        (("refresh", "--statement-timeout=-5s"), "--statement-timeout", "10min"),
        (("refresh", "--workers", "0"), "--workers", "at least 1"),
    ],
)
def test_a_bad_option_value_is_exit_2_naming_the_option_and_its_form(
    args: tuple[str, ...], named: str, form: str
) -> None:
    # No database is configured: a bad value must be refused before any connection.
    result = run_cli("--headless", *args, env=cli_env(CFBOPS_HOME="/nonexistent/cfbops"))
    one_line_usage_error(result, named, form)


@pytest.mark.parametrize(
    ("name", "value", "form"),
    [
        ("CFBOPS_STATEMENT_TIMEOUT", "banana", "10min"),
        ("CFBOPS_LOCK_TIMEOUT", "-5", "10min"),
        ("CFBOPS_LOCK_TIMEOUT", "5 parsecs", "10min"),
        ("CFBOPS_CONNECT_TIMEOUT", "soon", "whole number of seconds"),
        ("CFBOPS_CONNECT_TIMEOUT", "-1", "0 (wait forever) or more"),
        ("CFBOPS_READ_ONLY", "maybe", "true/false"),
    ],
)
def test_a_bad_environment_value_is_exit_2_naming_the_variable(
    name: str, value: str, form: str
) -> None:
    result = run_cli(
        "--headless", "status", env=cli_env(**{name: value, "CFBOPS_HOME": "/nonexistent/x"})
    )
    one_line_usage_error(result, name, form)


def test_a_bad_timeout_in_the_config_file_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "cfbops.toml"
    config.write_text('lock_timeout = "-5"\n')
    result = run_cli("--config", str(config), "--headless", "status")
    line = one_line_usage_error(result, "lock_timeout", str(config))
    assert "10min" in line


def test_valid_timeouts_are_passed_through(db: DatabaseUnderTest) -> None:
    env = cli_env(CFBOPS_LOCK_TIMEOUT="1.5s", CFBOPS_STATEMENT_TIMEOUT="10 min")
    result = run_cli("--database-url", db.url, "--headless", "status", env=env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("selection", ["", " ", ","])
def test_an_empty_select_is_refused_and_records_no_run(
    db: DatabaseUnderTest, selection: str
) -> None:
    with db.connect() as conn:
        before = conn.execute("SELECT count(*) FROM ops.refresh_run").fetchone()
    result = run_cli("--database-url", db.url, "--headless", "refresh", "--select", selection)
    one_line_usage_error(result, "--select", "NAME+")
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM ops.refresh_run").fetchone() == before


def test_no_rate_before_anything_is_done() -> None:
    line = Progress("refresh", 0, None, "waiting for the lock").line()
    assert line == "refresh [0] waiting for the lock"


def test_no_rate_from_a_single_step() -> None:
    line = Progress("seed", 1, 1, "teams", started_at=time.monotonic() - 0.02).line()
    assert "/s" not in line and "ETA" not in line


def test_a_rate_and_eta_once_there_is_something_to_measure() -> None:
    line = Progress("refresh", 4, 8, "marts.x", started_at=time.monotonic() - 2.0).line()
    assert line.startswith("refresh [4/8] marts.x — ")
    rate = float(line.split(" — ")[1].split("/s")[0])
    assert 1.0 < rate <= 2.0
    assert "ETA" in line
