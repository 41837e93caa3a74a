"""`server status|start|stop|url`, `cfbops psql`, and the console without a terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from cfbops.db.embedded import EmbeddedServer
from tests.conftest import REPO, DatabaseUnderTest, cli_env, run_cli


@pytest.fixture
def home(scratch_dir: Path) -> Iterator[Path]:
    path = scratch_dir / "home"
    yield path
    EmbeddedServer(path).stop()


def server(home: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("--home", str(home), "--headless", "server", *args)


def stored_password(home: Path) -> str:
    return json.loads((home / "embedded.json").read_text())["password"]


def test_status_of_a_home_never_used_creates_nothing(home: Path) -> None:
    result = server(home, "status", "--json")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)["server"]
    assert (document["initialised"], document["running"]) == (False, False)
    assert not home.exists()


def test_start_status_stop_round_trip_without_the_password(home: Path) -> None:
    started = server(home, "start", "--json")
    running = server(home, "status", "--json")
    stopped = server(home, "stop", "--json")
    after = server(home, "status", "--json")

    assert [r.returncode for r in (started, running, stopped, after)] == [0, 0, 0, 0]
    assert json.loads(started.stdout)["started"] is True
    assert json.loads(running.stdout)["server"]["running"] is True
    assert json.loads(stopped.stdout)["stopped"] is True
    assert json.loads(after.stdout)["server"]["running"] is False
    password = stored_password(home)
    for result in (started, running, stopped, after):
        assert password not in result.stdout + result.stderr


def test_url_is_redacted_unless_show_password_is_asked(home: Path) -> None:
    redacted = server(home, "url")
    shown = server(home, "url", "--show-password")

    assert redacted.returncode == 0 and shown.returncode == 0
    assert "****" in redacted.stdout and stored_password(home) not in redacted.stdout
    with psycopg.connect(shown.stdout.strip(), connect_timeout=10) as conn:
        assert conn.execute("SELECT current_database()").fetchone()[0] == "cfbops"


def test_show_password_with_another_action_is_a_usage_error(home: Path) -> None:
    result = server(home, "status", "--show-password")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


# psql prints its own command line (through the shell `\!` starts): the password must not
# be on it, and the query must have run on the configured database.
SHOW_ARGV = r'\! tr "\0" " " < /proc/$PPID/cmdline; echo'


def test_psql_connects_through_its_environment_not_its_argv(db: DatabaseUnderTest) -> None:
    password = psycopg.conninfo.conninfo_to_dict(db.url)["password"]

    result = run_cli(
        "--database-url", db.url, "psql", "-X", "-A", "-t",
        "-c", "SELECT current_database()", "-c", SHOW_ARGV,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert db.name in result.stdout
    assert "psql -X -A -t" in result.stdout
    assert password not in result.stdout + result.stderr
    assert "postgresql://" not in result.stdout


def test_psql_honours_read_only(db: DatabaseUnderTest) -> None:
    result = run_cli(
        "--read-only", "--database-url", db.url, "psql", "-X",
        "-v", "ON_ERROR_STOP=1", "-c", "CREATE TABLE should_not_exist (id int)",
    )  # fmt: skip

    assert result.returncode != 0
    assert "read-only transaction" in result.stderr


def test_the_console_without_a_terminal_says_so_and_exits_2(scratch_dir: Path) -> None:
    home = scratch_dir / "home"
    result = subprocess.run(
        [sys.executable, "-m", "cfbops"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=cli_env(CFBOPS_HOME=str(home)),
        cwd=REPO,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "cfbops: error: no terminal for the console; use cfbops --headless COMMAND "
        "(e.g. cfbops --headless status)"
    ]
    assert result.stdout == ""
    assert not home.exists()


def test_demo_read_only_refuses_before_writing_anything(scratch_dir: Path) -> None:
    home = scratch_dir / "home"
    result = run_cli("--home", str(home), "--read-only", "demo", "--scale", "tiny")

    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--read-only" in result.stderr
    assert not home.exists()


def test_headless_demo_prepares_its_database_and_every_command_can_reach_it(home: Path) -> None:
    prepared = run_cli("--home", str(home), "--headless", "demo", "--scale", "tiny", "--json")
    assert prepared.returncode == 0, prepared.stderr
    demo = json.loads(prepared.stdout)
    assert (demo["database"], demo["seeded"], demo["reach_with"]) == (
        "cfbops_demo",
        True,
        "--database cfbops_demo",
    )

    status = run_cli("--home", str(home), "--database", "cfbops_demo", "--headless", "status")
    url = server(home, "url", "--show-password", "--database", "cfbops_demo")
    games = run_cli(
        "--home", str(home), "--database", "cfbops_demo", "psql", "-X", "-A", "-t",
        "-c", "SELECT count(*) > 0 FROM core.games",
    )  # fmt: skip

    assert status.returncode == 0 and "/cfbops_demo" in status.stdout
    assert "0 pending" in status.stdout
    with psycopg.connect(url.stdout.strip(), connect_timeout=10) as conn:
        assert conn.execute("SELECT current_database()").fetchone()[0] == "cfbops_demo"
    assert games.returncode == 0 and games.stdout.strip() == "t"
