"""Configuration precedence: flag > environment > config file > embedded default."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfbops.config import DatabaseSource, load_settings
from cfbops.errors import ConfigError, ExitCode


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_nothing_configured_means_the_embedded_server(tmp_path: Path) -> None:
    settings = load_settings(env={}, cwd=tmp_path, home=tmp_path / "home")
    assert settings.embedded
    assert settings.database_url is None
    assert settings.home == (tmp_path / "home").resolve()


def test_flag_beats_environment_and_file(tmp_path: Path) -> None:
    write(tmp_path / "cfbops.toml", 'database_url = "postgresql://file/db"\n')
    settings = load_settings(
        database_url="postgresql://flag/db",
        env={"DATABASE_URL": "postgresql://env/db"},
        cwd=tmp_path,
    )
    assert settings.database_url == "postgresql://flag/db"
    assert settings.database_source is DatabaseSource.FLAG


def test_environment_beats_config_file(tmp_path: Path) -> None:
    write(tmp_path / "cfbops.toml", 'database_url = "postgresql://file/db"\n')
    settings = load_settings(env={"DATABASE_URL": "postgresql://env/db"}, cwd=tmp_path)
    assert settings.database_url == "postgresql://env/db"
    assert settings.database_source is DatabaseSource.ENVIRONMENT


def test_libpq_variables_count_as_a_configured_database(tmp_path: Path) -> None:
    settings = load_settings(env={"PGHOST": "db.internal", "PGDATABASE": "cfb"}, cwd=tmp_path)
    assert settings.database_source is DatabaseSource.LIBPQ_ENVIRONMENT
    assert settings.database_url == ""


def test_config_file_is_read_from_the_working_directory(tmp_path: Path) -> None:
    write(tmp_path / "cfbops.toml", 'database_url = "postgresql://file/db"\nread_only = true\n')
    settings = load_settings(env={}, cwd=tmp_path)
    assert settings.database_url == "postgresql://file/db"
    assert settings.read_only
    assert settings.config_file == tmp_path / "cfbops.toml"


def test_tool_cfbops_table_in_pyproject_is_read(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.cfbops]\ndatabase_url = "postgresql://py/db"\n')
    settings = load_settings(env={}, cwd=tmp_path)
    assert settings.database_url == "postgresql://py/db"


def test_home_from_environment(tmp_path: Path) -> None:
    settings = load_settings(env={"CFBOPS_HOME": str(tmp_path / "h")}, cwd=tmp_path)
    assert settings.home == (tmp_path / "h").resolve()


def test_cfbd_key_comes_from_environment_and_is_not_in_repr(tmp_path: Path) -> None:
    settings = load_settings(env={"CFBD_API_KEY": "k-123-secret"}, cwd=tmp_path)
    assert settings.cfbd_api_key == "k-123-secret"
    assert "k-123-secret" not in repr(settings)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("database_url = [", "not valid TOML"),
        ("database_url = 5", "database_url must be a str"),
        ("colour = 'blue'", "unknown key 'colour'"),
    ],
)
def test_invalid_config_file_is_a_usage_error(tmp_path: Path, text: str, fragment: str) -> None:
    write(tmp_path / "cfbops.toml", text)
    with pytest.raises(ConfigError, match=fragment) as caught:
        load_settings(env={}, cwd=tmp_path)
    assert caught.value.exit_code == ExitCode.USAGE


def test_explicit_config_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(env={}, cwd=tmp_path, config=tmp_path / "missing.toml")


def test_bad_boolean_in_environment_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CFBOPS_READ_ONLY"):
        load_settings(env={"CFBOPS_READ_ONLY": "perhaps"}, cwd=tmp_path)
