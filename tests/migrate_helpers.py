"""Build migration directories for tests."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from cfbops.config import default_sql_dir


def write_migrations(sql_dir: Path, files: dict[str, str]) -> Path:
    """Write {relative path: SQL} under sql_dir (dedented); returns sql_dir."""
    for relative, text in files.items():
        path = sql_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip())
    return sql_dir


def project_migration(name: str) -> str:
    """The text of one of the project's own migration files (package data)."""
    return (default_sql_dir() / "migrations" / name).read_text(encoding="utf-8")
