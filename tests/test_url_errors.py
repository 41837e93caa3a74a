"""A URL that cannot be used is a one-line usage error naming where it came from, and never
shows its password; connection errors name the right thing to check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfbops.config import DatabaseSource, Settings
from cfbops.db.connect import connect
from cfbops.db.embedded import EmbeddedServer
from cfbops.errors import DatabaseUnreachable
from tests.conftest import cli_env, run_cli

SECRET = "Sup3rSecretPW"
BAD_URLS = {
    "bad percent-encoding": f"postgresql://u:{SECRET}%ZZ@127.0.0.1:1/db",
    "not postgres": f"mysql://ops:{SECRET}@db/cfb",
    "broken IPv6 host": f"postgresql://u:{SECRET}%ZZ@[::1/db",
    "unknown parameter": f"postgresql://u:{SECRET}@127.0.0.1/db?colour=blue",
    "port not a number": f"postgresql://u:{SECRET}@127.0.0.1:abc/db",
    "broken keyword form": f"host=127.0.0.1 password={SECRET} port",
}
SOURCES = ("flag", "DATABASE_URL", "CFBOPS_DATABASE_URL", "config file")


def run_with(url: str, source: str, tmp_path: Path, *extra: str):
    args: list[str] = []
    env = cli_env()
    if source == "flag":
        args = ["--database-url", url]
    elif source == "config file":
        config = tmp_path / "cfbops.toml"
        config.write_text(f"database_url = {json.dumps(url)}\n")
        args = ["--config", str(config)]
    else:
        env[source] = url
    return run_cli(*args, *extra, "--headless", "status", env=env)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("kind", sorted(BAD_URLS))
def test_a_bad_url_is_one_line_exit_2_without_the_password(
    kind: str, source: str, tmp_path: Path
) -> None:
    result = run_with(BAD_URLS[kind], source, tmp_path)

    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert SECRET not in result.stderr + result.stdout
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("kind", sorted(BAD_URLS))
def test_a_bad_url_in_json_and_verbose_mode_keeps_the_password_out(
    kind: str, tmp_path: Path
) -> None:
    result = run_with(BAD_URLS[kind], "DATABASE_URL", tmp_path, "-v", "--json")

    assert result.returncode == 2
    document = json.loads(result.stdout)
    assert document["ok"] is False and document["error"]["exit_code"] == 2
    assert SECRET not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_a_bad_url_names_its_source(tmp_path: Path) -> None:
    url = BAD_URLS["not postgres"]
    assert "DATABASE_URL" in run_with(url, "DATABASE_URL", tmp_path).stderr
    assert "--database-url" in run_with(url, "flag", tmp_path).stderr
    assert str(tmp_path / "cfbops.toml") in run_with(url, "config file", tmp_path).stderr


def test_an_unreachable_url_from_the_config_file_names_the_file(tmp_path: Path) -> None:
    result = run_with(f"postgresql://u:{SECRET}@127.0.0.1:1/db", "config file", tmp_path)

    assert result.returncode == 3
    assert str(tmp_path / "cfbops.toml") in result.stderr
    assert "DATABASE_URL" not in result.stderr
    assert SECRET not in result.stderr


def test_an_unreachable_embedded_database_does_not_blame_database_url(tmp_path: Path) -> None:
    settings = Settings(
        database_url="postgresql://cfbops:pw@127.0.0.1:1/cfbops_demo",
        database_source=DatabaseSource.EMBEDDED,
        home=tmp_path,
    )
    with pytest.raises(DatabaseUnreachable) as caught:
        connect(settings)
    message = str(caught.value)
    assert "DATABASE_URL" not in message
    assert "embedded server" in message and "postgres.log" in message


def test_an_embedded_server_that_cannot_start_does_not_blame_database_url(
    scratch_dir: Path,
) -> None:
    home = scratch_dir / "home"
    env = cli_env(CFBOPS_HOME=str(home))
    assert run_cli("--headless", "status", env=env).returncode == 0
    EmbeddedServer(home).stop()
    with (home / "pgdata" / "postgresql.conf").open("a") as conf:
        conf.write("shared_buffers = 'lots'\n")

    result = run_cli("--headless", "status", env=env)

    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1
    assert "DATABASE_URL" not in result.stderr
    assert "embedded PostgreSQL" in result.stderr and "postgres.log" in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ("--headless", "migrate"),
        ("--headless", "migrate", "--plan"),
        ("--headless", "refresh"),
        ("--headless", "seed", "--scale", "tiny"),
        ("--headless", "server", "url"),
        ("psql", "-c", "SELECT 1"),
        ("demo", "--scale", "tiny"),
        (),  # the console
    ],
    ids=lambda command: " ".join(command) or "console",
)
def test_every_command_refuses_a_bad_url_the_same_way(command: tuple[str, ...]) -> None:
    env = cli_env(DATABASE_URL=BAD_URLS["bad percent-encoding"])

    result = run_cli("-v", *command, env=env)

    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert SECRET not in result.stderr + result.stdout
    assert "DATABASE_URL" in result.stderr


def test_an_internal_error_never_carries_a_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cfbops import cli

    url = f"postgresql://u:{SECRET}@127.0.0.1/db"

    def a_bug(
        args: object, loaded: object
    ) -> int:  # stands in for any unforeseen failure quoting the URL
        raise RuntimeError(f"boom while using {url}")

    monkeypatch.setattr(cli, "_dispatch", a_bug)
    code = cli.main(["-v", "--database-url", url, "--headless", "status"])

    stderr = capsys.readouterr().err
    assert code == 1
    assert "Traceback" in stderr and "internal error: RuntimeError" in stderr
    assert SECRET not in stderr
