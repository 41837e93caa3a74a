"""Fit for SSH and plain terminals: NO_COLOR gives a picture without colour, animations are
off unless asked for, and the console exits cleanly when its terminal goes away."""

from __future__ import annotations

import os
import pty
import re
import sys
import threading
import time

import pytest

from cfbops.tui.app import CfbopsApp
from tests.conftest import REPO, DatabaseUnderTest, cli_env
from tests.tui.dashboard_world import wait_for
from tests.waits import wait_until

CONSOLE_SESSIONS = (
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE application_name = 'cfbops console' AND datname = current_database()"
)


def _colours(svg: str) -> set[str]:
    # The picture's own colours; the three window-decoration dots of the SVG frame are not.
    body = re.sub(r"<circle[^>]*/>", "", svg)
    return set(re.findall(r'fill(?::\s*|=")#([0-9a-fA-F]{6})', body))


def _grey(colour: str) -> bool:
    # Within 3 of equal: the SVG export's own default foreground, #c5c8c6, counts as grey.
    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return max(r, g, b) - min(r, g, b) <= 3


@pytest.mark.anyio
async def test_no_color_paints_the_dashboard_in_greys_only(
    db: DatabaseUnderTest, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("NO_COLOR", "1")
    app = CfbopsApp(db.settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first snapshot")
        await pilot.pause()
        svg = app.export_screenshot()
    colours = _colours(svg)
    assert colours, "the picture should have colours to inspect"
    assert {c for c in colours if not _grey(c)} == set()


@pytest.mark.anyio
async def test_the_dashboard_is_in_colour_without_no_color(
    db: DatabaseUnderTest, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = CfbopsApp(db.settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.polls >= 1, "the first snapshot")
        await pilot.pause()
        svg = app.export_screenshot()
    assert any(not _grey(c) for c in _colours(svg))


def test_animations_are_off_unless_asked_for(
    db: DatabaseUnderTest, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    assert CfbopsApp(db.settings).animation_level == "none"


def test_the_console_exits_cleanly_when_its_terminal_goes_away(db: DatabaseUnderTest):
    pid, terminal = pty.fork()
    if pid == 0:  # the child: cfbops on the pseudo-terminal, its controlling terminal
        env = cli_env(TERM="xterm-256color", COLUMNS="100", LINES="30")
        os.chdir(REPO)
        os.execve(sys.executable, [sys.executable, "-m", "cfbops", "--database-url", db.url], env)
    output = bytearray()

    def drain() -> None:  # a terminal that is read, so the console never blocks writing
        while True:
            try:
                chunk = os.read(terminal, 65536)
            except OSError:
                return
            if not chunk:
                return
            output.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        with db.connect() as conn:
            wait_until(
                lambda: conn.execute(CONSOLE_SESSIONS).fetchone()[0] == 1,  # type: ignore[index]
                "the console's polling connection",
            )
        os.close(terminal)  # the terminal goes away: the kernel hangs the session up
        deadline = time.monotonic() + 60
        while (ended := os.waitpid(pid, os.WNOHANG))[0] == 0:
            assert time.monotonic() < deadline, (
                f"the console did not exit after the hangup: {bytes(output[-2000:])!r}"
            )
            time.sleep(0.05)
    except BaseException:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        raise
    status = ended[1]
    assert os.WIFEXITED(status), f"killed by signal {os.WTERMSIG(status)}"
    assert os.WEXITSTATUS(status) == 0
    assert b"Traceback" not in output
    with db.connect() as conn:
        wait_until(
            lambda: conn.execute(CONSOLE_SESSIONS).fetchone()[0] == 0,  # type: ignore[index]
            "the polling connection to close",
        )
