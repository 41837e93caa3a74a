"""The dashboard against a real seeded database: panes fill with the database's own figures."""

from __future__ import annotations

import asyncio

import pytest

from cfbops.status import collect_status
from cfbops.tui.app import CfbopsApp
from tests.conftest import DatabaseUnderTest

pytestmark = pytest.mark.anyio


async def wait_for(condition, pilot, *, timeout: float = 30.0) -> None:
    """Let the app run until `condition()` holds; a generous deadline for busy CI."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            errors = [w.error for w in pilot.app.workers if w.error]
            raise AssertionError(f"the dashboard did not get there in time: {errors}")
        await pilot.pause(0.05)


async def test_the_header_names_the_target_with_its_password_redacted(db: DatabaseUnderTest):
    app = CfbopsApp(db.settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: app.polls >= 1, pilot)
        header = str(app.query_one("#target").render())
    expected = collect_status(db.settings).database
    assert expected.url in header
    assert f"PostgreSQL {expected.server_version}" in header
    assert "connected" in header
