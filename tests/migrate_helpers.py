"""Build migration directories for tests."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent


def write_migrations(sql_dir: Path, files: dict[str, str]) -> Path:
    """Write {relative path: SQL} under sql_dir (dedented); returns sql_dir."""
    for relative, text in files.items():
        path = sql_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip())
    return sql_dir
