"""What the console tests share: the App under test, a migrations directory holding one
pending file, and waiting on conditions (never on the clock alone)."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from cfbops.config import Settings, default_sql_dir
from cfbops.tui.app import CfbopsApp

DEADLINE_S = 60.0

PENDING_MIGRATION = "V0999__console_probe.sql"
PENDING_SQL = """\
-- A pending file for the console's tests: a table, an index, a check constraint.
CREATE TABLE ops.console_probe (id bigint PRIMARY KEY, season integer NOT NULL);
CREATE INDEX console_probe_season_idx ON ops.console_probe (season);
ALTER TABLE core.games ADD CONSTRAINT games_season_sane CHECK (season > 1800);
"""


def console(settings: Settings, *, read_only: bool = False) -> CfbopsApp:
    """The console as `cfbops` opens it, on these settings."""
    return CfbopsApp(settings, read_only=read_only)


# The same without lint errors: the confirmation is a plain y.
CLEAN_PENDING_SQL = """\
-- A pending file for the console's tests: a table and a check constraint, lint-clean.
CREATE TABLE ops.console_probe (id bigint PRIMARY KEY, season integer NOT NULL);
"""


def with_pending_migration(settings: Settings, home: Path, sql: str = PENDING_SQL) -> Settings:
    """Settings whose sql_dir is the project's plus one pending file (with lint errors unless
    another `sql` is given)."""
    sql_dir = home / "sql"
    shutil.copytree(default_sql_dir(), sql_dir, dirs_exist_ok=True)
    (sql_dir / "migrations" / PENDING_MIGRATION).write_text(sql)
    return dataclasses.replace(settings, sql_dir=sql_dir)


async def wait_for(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    """Let the app run until `condition()` holds; fail naming `what` after the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_S
    while not condition():
        if loop.time() > deadline:
            workers = [(w.name, w.state, w.error) for w in pilot.app.workers]
            said = [n.message for n in pilot.app._notifications]
            raise AssertionError(
                f"gave up waiting for {what}; workers: {workers}; notifications: {said}"
            )
        await pilot.pause(0.05)


async def settle(pilot: Pilot) -> None:
    """Wait for every worker to end and the messages they posted to be handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
