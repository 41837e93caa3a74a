"""Rewrite the rule entries of docs/lint-rules.md from the rule table in
cfbops/migrate/lint/rules.py.

Run from the repository root: python scripts/make_lint_rules_doc.py
"""

from __future__ import annotations

from pathlib import Path

from cfbops.migrate.lint.rule_docs import with_rule_entries

PAGE = Path(__file__).resolve().parent.parent / "docs" / "lint-rules.md"

if __name__ == "__main__":
    PAGE.write_text(with_rule_entries(PAGE.read_text()))
    print(f"wrote {PAGE}")
