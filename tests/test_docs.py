"""The documentation stays a short front door and true pages: README.md within 300 lines
with the set-up and test commands, links that resolve, lint rules as the rule table has
them, and no citation of documents the repository does not hold."""

from __future__ import annotations

import re

from cfbops.migrate.lint.rule_docs import with_rule_entries
from cfbops.migrate.lint.rules import RULES
from tests.conftest import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def test_the_readme_is_a_short_front_door() -> None:
    assert len((REPO / "README.md").read_text().splitlines()) <= 300


def test_the_readme_keeps_the_set_up_and_test_commands() -> None:
    readme = (REPO / "README.md").read_text()
    assert (
        "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && cfbops demo"
        in readme
    )
    assert ". .venv/bin/activate && python -m pytest -q -n 2" in readme


def test_every_relative_link_in_the_docs_resolves() -> None:
    broken = []
    for page in PAGES:
        for target in re.findall(r"\]\(([^)#\s]+)[^)]*\)", page.read_text()):
            if "://" in target:
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(REPO)} -> {target}")
    assert broken == []


def test_every_docs_page_the_readme_names_exists() -> None:
    readme = (REPO / "README.md").read_text()
    named = set(re.findall(r"\bdocs/[\w-]+\.md\b", readme))
    assert "docs/privileges.md" in named
    assert sorted(p for p in named if not (REPO / p).exists()) == []


def test_the_lint_rules_page_has_one_entry_per_rule_as_the_table_has_it() -> None:
    page = (REPO / "docs" / "lint-rules.md").read_text()
    assert page == with_rule_entries(page), "run: python scripts/make_lint_rules_doc.py"
    entries = re.findall(r"^### `([a-z-]+)`$", page, flags=re.MULTILINE)
    assert entries == list(RULES)


def test_no_code_or_test_cites_a_document_outside_the_repository() -> None:
    # Versioned migration files are left as they are: their checksums are history.
    files = [
        *(REPO / "cfbops").rglob("*.py"),
        *(REPO / "tests").rglob("*.py"),
        *(REPO / "bench").glob("*.py"),
        *(REPO / "cfbops" / "sql" / "repeatable").glob("*.sql"),
        *(REPO / "cfbops").rglob("queries/*.sql"),
        *PAGES,
    ]
    citation = re.compile(r"\b(?:SPEC|UPSTREAM|DOMAIN|STYLE)(?:\.md)? ?§|/work/shared/")
    citing = [
        str(path.relative_to(REPO))
        for path in files
        if path != REPO / "tests" / "test_docs.py" and citation.search(path.read_text())
    ]
    assert citing == []
