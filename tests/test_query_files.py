"""Every query file cfbops ships parses as PostgreSQL, placeholders and all."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pglast
import pytest

from cfbops.queries import package_sql, query_names

PACKAGE_ROOT = Path(str(resources.files("cfbops")))
QUERY_PACKAGES = sorted(
    ".".join(("cfbops", *folder.parent.relative_to(PACKAGE_ROOT).parts))
    for folder in PACKAGE_ROOT.rglob("queries")
    if folder.is_dir()
)
# psycopg's placeholders, as the server would see them once bound.
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s")


def test_the_packages_with_query_files_are_found() -> None:
    assert {"cfbops.marts", "cfbops.demo"} <= set(QUERY_PACKAGES)


@pytest.mark.parametrize("package", QUERY_PACKAGES)
def test_every_query_file_parses(package: str) -> None:
    names = query_names(package)
    assert names, f"{package}/queries holds no .sql file"
    for name in names:
        text = PLACEHOLDER.sub("NULL", package_sql(package, name))
        assert pglast.parse_sql(text), f"{package}/queries/{name}.sql holds no statement"


def test_a_query_file_is_read_once() -> None:
    first = package_sql("cfbops.marts", "marts")
    assert package_sql("cfbops.marts", "marts") is first
