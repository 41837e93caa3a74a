"""Numeric flags: each bad value is refused with exit 2 and one line naming the flag."""

from __future__ import annotations

import argparse

import pytest

from cfbops.commands.arguments import positive_int, seconds
from tests.conftest import run_cli


def test_a_worker_count_is_a_whole_number_of_at_least_one() -> None:
    assert positive_int("1") == 1
    assert positive_int("12") == 12
    with pytest.raises(argparse.ArgumentTypeError, match="at least 1"):
        positive_int("0")
    with pytest.raises(argparse.ArgumentTypeError, match=r"'2\.5' is not a whole number"):
        positive_int("2.5")


def test_seconds_are_any_non_negative_number() -> None:
    assert seconds("0") == 0.0
    assert seconds("1.5") == 1.5
    with pytest.raises(argparse.ArgumentTypeError, match="must not be negative"):
        seconds("-1")
    with pytest.raises(argparse.ArgumentTypeError, match="'soon' is not a number of seconds"):
        seconds("soon")


# Bad flags are refused before any connection is made: the URL points nowhere on purpose.
@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["refresh", "--workers", "two"], "argument --workers: 'two' is not a whole number"),
        (["refresh", "--workers", "0"], "argument --workers: must be at least 1"),
        (["refresh", "--wait", "soon"], "argument --wait: 'soon' is not a number of seconds"),
        (["migrate", "--wait", "-5"], "argument --wait: must not be negative"),
    ],
)
def test_the_cli_refuses_a_bad_number_with_exit_2_and_one_line(flags: list[str], said: str) -> None:
    result = run_cli("--database-url", "postgresql://u@127.0.0.1:1/db", "--headless", *flags)
    assert result.returncode == 2
    assert said in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
