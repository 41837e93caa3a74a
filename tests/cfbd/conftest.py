"""Fixtures for the CFBD tests: the stand-in over loopback, on the test database's games."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from cfbops.cfbd.client import RetryPolicy
from cfbops.config import Settings
from cfbops.demo.cfbd_standin import StandIn, running_standin
from tests.conftest import DatabaseUnderTest

TEST_KEY = "test-key-not-a-secret-7f3a"
# Waits shrunk so retries finish in a test's time; the logic is the production one.
FAST = RetryPolicy(
    timeout_s=3.0,  # a loaded 2-core machine can take a second to answer from memory
    request_s=10.0,
    max_attempts=3,
    backoff_base_s=0.01,
    backoff_cap_s=0.05,
    retry_after_default_s=0.05,
    retry_after_cap_s=0.5,
    max_pause_s=2.0,
)


@pytest.fixture
def standin(db: DatabaseUnderTest) -> Iterator[StandIn]:
    with running_standin(db.url, api_key=TEST_KEY, hang_s=6.0) as server:
        yield server


@pytest.fixture
def cfbd_settings(db: DatabaseUnderTest, standin: StandIn) -> Settings:
    return dataclasses.replace(db.settings, cfbd_url=standin.url, cfbd_api_key=TEST_KEY)


def cfbd_env(db: DatabaseUnderTest, standin: StandIn, **extra: str) -> dict[str, str]:
    from tests.conftest import cli_env

    values = {"DATABASE_URL": db.url, "CFBOPS_CFBD_URL": standin.url, "CFBD_API_KEY": TEST_KEY}
    return cli_env(**{**values, **extra})
