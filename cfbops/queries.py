"""The one way cfbops reads its own SQL: `<package>/queries/<name>.sql`, package data read
with importlib.resources once per process. One-line and composed (`psycopg.sql`) statements
stay next to their user."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def package_sql(package: str, name: str) -> str:
    """The text of `queries/<name>.sql` inside `package`, e.g. ("cfbops.marts", "marts")."""
    return resources.files(package).joinpath("queries", f"{name}.sql").read_text(encoding="utf-8")


def query_names(package: str) -> tuple[str, ...]:
    """The names of every query file `package` holds, sorted."""
    folder = resources.files(package).joinpath("queries")
    files = (entry.name for entry in folder.iterdir() if entry.name.endswith(".sql"))
    return tuple(sorted(name.removesuffix(".sql") for name in files))
