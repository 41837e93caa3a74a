"""Reconnect always: the embedded server stopped and started again on another port (its old
one taken meanwhile), the console finds it within its backoff and names the new URL."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from cfbops.config import DatabaseSource, Settings
from cfbops.db.embedded import EmbeddedServer
from cfbops.tui.app import CfbopsApp
from cfbops.tui.screens.base import TextScreen
from tests.conftest import TEST_SERVER_SETTINGS
from tests.tui.dashboard_world import wait_for

pytestmark = pytest.mark.anyio


@pytest.fixture
def server(scratch_dir: Path) -> Iterator[EmbeddedServer]:
    # Not under pytest's tmp: as root the server runs as a user that cannot reach it.
    server = EmbeddedServer(scratch_dir / "home", extra_settings=TEST_SERVER_SETTINGS)
    server.ensure_running()
    try:
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.stop()


def _header(app: CfbopsApp) -> str:
    return str(app.query_one("#target").render())


async def test_the_console_follows_the_embedded_server_to_another_port(
    server: EmbeddedServer,
) -> None:
    settings = Settings(
        database_url=None, database_source=DatabaseSource.EMBEDDED, home=server.home
    )
    app = CfbopsApp(settings, poll_interval_s=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first poll")
        old_port = server.current_address().port
        assert f":{old_port}/" in _header(app)
        server.stop()
        await wait_for(pilot, lambda: app.query_one("#banner").display, "the banner")
        banner = str(app.query_one("#banner").render())
        app.query_one("#banner").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TextScreen), "the full error")
        full_error = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        await pilot.press("escape")
        # Another program takes the old port: the server must start elsewhere.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
            squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            squatter.bind(("127.0.0.1", old_port))
            squatter.listen()
            new_port = server.ensure_running().port
            polls = app.polls
            await wait_for(pilot, lambda: app.polls > polls, "a poll on the new port")
            await pilot.pause()
            header = _header(app)
    assert new_port != old_port
    assert banner.startswith("reconnecting · retrying ")
    assert "The connection error, in full" in full_error
    assert f":{new_port}/" in header and "connected" in header
