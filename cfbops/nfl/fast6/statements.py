"""The import's SQL: `queries/<name>.sql` of this package, each read once."""

from __future__ import annotations

from cfbops.queries import package_sql


def sql(name: str) -> str:
    return package_sql(__package__, name)
