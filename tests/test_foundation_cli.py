"""The command-line contract of the foundation: status, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from cfbops.db.connect import connect
from cfbops.db.embedded import EmbeddedServer
from tests.conftest import (
    REPO,
    DatabaseUnderTest,
    ServerUnderTest,
    cli_env,
    run_cli,
    ui_modules_after,
)


@pytest.fixture
def embedded_home(scratch_dir: Path):
    """A home for the embedded default; its server is stopped after the test."""
    home = scratch_dir / "cfbops-home"
    yield home
    EmbeddedServer(home).stop()


def test_status_json_on_the_embedded_default(embedded_home: Path) -> None:
    result = run_cli("--headless", "status", "--json", env=cli_env(CFBOPS_HOME=str(embedded_home)))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is True
    assert document["database"]["embedded"] is True
    assert document["database"]["server_version"].split(".")[0].isdigit()
    assert "****" in document["database"]["url"]


def test_two_status_processes_at_once_share_one_embedded_server(embedded_home: Path) -> None:
    env = cli_env(CFBOPS_HOME=str(embedded_home))
    command = [sys.executable, "-m", "cfbops", "--headless", "status", "--json"]
    procs = [
        subprocess.Popen(
            command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], [err for _, err in outputs]
    urls = {json.loads(out)["database"]["url"] for out, _ in outputs}
    assert len(urls) == 1


def test_unreachable_database_exits_3_without_the_password() -> None:
    env = cli_env(DATABASE_URL="postgresql://nobody:secret@127.0.0.1:1/x")
    result = run_cli("--headless", "status", env=env)
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1
    assert "secret" not in result.stderr + result.stdout
    assert "127.0.0.1" in result.stderr


def test_wrong_password_exits_3_without_the_password(pg_server: ServerUnderTest) -> None:
    info = psycopg.conninfo.conninfo_to_dict(pg_server.admin_url)
    url = f"postgresql://{info['user']}:not-the-password-42@{info['host']}:{info['port']}/postgres"
    result = run_cli("--headless", "status", "--json", env=cli_env(DATABASE_URL=url))
    assert result.returncode == 3
    assert "not-the-password-42" not in result.stderr + result.stdout
    assert "password authentication failed" in result.stderr
    assert json.loads(result.stdout)["ok"] is False


def test_unknown_command_exits_2_with_one_line() -> None:
    result = run_cli("--headless", "frobnicate")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "frobnicate" in result.stderr


def test_unknown_command_is_told_every_command_there_is() -> None:
    from cfbops.commands import COMMAND_MODULES

    result = run_cli("--headless", "refrsh")
    assert result.returncode == 2
    assert all(f"'{name}'" in result.stderr for name in COMMAND_MODULES)


def test_help_lists_every_command() -> None:
    from cfbops.commands import COMMAND_MODULES

    result = run_cli("--help")
    assert result.returncode == 0
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.startswith("    ")}
    assert set(COMMAND_MODULES) <= listed


def test_a_headless_run_imports_its_own_command_alone() -> None:
    # Start-up is paid by every cron line: `refresh` needs neither the backfill, the HTTP
    # client, the picks app's importer nor the SQL parser that other commands bring.
    code = (
        "import sys\n"
        "from cfbops.cli import parse_arguments\n"
        "args = parse_arguments(['--headless', 'refresh', '--stale', '--workers', '2'])\n"
        "assert (args.command, args.stale, args.workers) == ('refresh', True, 2), args\n"
        "heavy = ('cfbops.commands.backfill', 'cfbops.nfl.fast6.importer', 'httpx', 'pglast')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=REPO, capture_output=True, text=True
    ).stdout
    assert out.strip() == "[]"


def test_unknown_flag_exits_2() -> None:
    result = run_cli("--headless", "status", "--no-such-flag")
    assert result.returncode == 2
    assert "--no-such-flag" in result.stderr


def test_headless_without_a_command_exits_2() -> None:
    assert run_cli("--headless").returncode == 2


def test_invalid_config_file_exits_2_with_one_line(tmp_path: Path) -> None:
    config = tmp_path / "cfbops.toml"
    config.write_text("database_url = [\n")
    result = run_cli("--config", str(config), "--headless", "status")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not valid TOML" in result.stderr


def test_unreadable_config_file_exits_2(tmp_path: Path) -> None:
    result = run_cli("--config", str(tmp_path / "nope.toml"), "--headless", "status")
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_headless_status_never_imports_textual_or_rich(db: DatabaseUnderTest) -> None:
    code, loaded = ui_modules_after("--database-url", db.url, "--headless", "status", "--json")
    assert code == 0
    assert loaded == []


def test_connections_name_themselves_cfbops(db: DatabaseUnderTest) -> None:
    with connect(db.settings) as conn:
        name = conn.execute("SELECT current_setting('application_name')").fetchone()[0]
    assert name == "cfbops"


def test_read_only_sessions_refuse_writes(db: DatabaseUnderTest) -> None:
    from dataclasses import replace

    settings = replace(db.settings, read_only=True)
    with connect(settings) as conn, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        conn.execute("CREATE TABLE should_not_exist (id int)")
