"""Lint migration files for locking and compatibility hazards, on pglast's parse tree.

Rules (squawk's names where they overlap), severity, and what each catches:

    adding-foreign-key-constraint                 error    FK on an existing table, no NOT VALID
    constraint-missing-not-valid                  error    CHECK without NOT VALID; NOT VALID and
                                                           VALIDATE in the same transaction
    require-concurrent-index-creation             error    CREATE INDEX without CONCURRENTLY
    require-concurrent-index-deletion             error    DROP INDEX without CONCURRENTLY
    adding-field-with-default                     error    new column with a volatile default,
                                                           serial, identity or stored generated
    adding-not-nullable-field                     error    SET NOT NULL without a validated CHECK;
                                                           ADD COLUMN NOT NULL without a default
    changing-column-type                          error    ALTER COLUMN TYPE (rewrite)
    ban-drop-column                               error    DROP COLUMN
    renaming-column                               warning  RENAME COLUMN
    renaming-table                                warning  RENAME TO
    disallowed-unique-constraint                  error    ADD UNIQUE / PRIMARY KEY, no USING INDEX
    prefer-robust-stmts                           warning  DDL outside a transaction that fails
                                                           when retried (no IF [NOT] EXISTS)
    ban-concurrent-index-creation-in-transaction  error    CONCURRENTLY in a multi-statement file
                                                           not marked no-transaction
    transaction-nesting                           error    BEGIN / COMMIT in a transactional file
    suppression-without-reason                    error    `allow` without `because …`
    invalid-directive                             error    unknown `cfbops:` directive or rule
    syntax-error                                  error    the file does not parse

Errors block or break a busy database (or hide that they do); renames take only a brief
lock and are a client-compatibility question, and robustness is about retries, so those
warn. A foreign key without NOT VALID reports only adding-foreign-key-constraint, not
also constraint-missing-not-valid. Objects created earlier in the same file are new and
empty, so rules about existing tables skip them. A suppression without a reason silences
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cfbops.errors import UsageError
from cfbops.migrate.checks import check_statement
from cfbops.migrate.files import decode_sql
from cfbops.migrate.rules import RULES, FileState, Finding, Severity
from cfbops.migrate.statements import (
    FileDirectives,
    SqlSyntaxError,
    Statement,
    Suppression,
    file_directives,
    split_statements,
)

__all__ = ["RULES", "Severity", "Violation", "lint_paths", "lint_sql"]


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule broken at one line of one file, with a safe rewrite."""

    file: str
    line: int
    rule: str
    severity: Severity
    message: str
    fix: str

    def as_dict(self) -> dict[str, object]:
        """The `lint` JSON shape of SPEC §2."""
        return {
            "file": self.file,
            "line": self.line,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "fix": self.fix,
        }


def _violation(file: str, line: int, finding: Finding) -> Violation:
    rule = RULES[finding.rule]
    return Violation(file, line, rule.name, rule.severity, finding.message, finding.fix)


def lint_sql(text: str, file: str) -> list[Violation]:
    """Every violation in one migration file's text, sorted by line."""
    try:
        statements = split_statements(text, file)
    except SqlSyntaxError as exc:
        finding = Finding(
            "syntax-error",
            exc.message,
            "Correct the SQL here; nothing in the file runs until it parses.",
        )
        return [_violation(file, exc.line, finding)]
    directives = file_directives(text)
    violations = _directive_violations(file, directives)
    allowed = _allowed_rules(statements, directives.suppressions)
    state = FileState(directives.no_transaction, len(statements))
    for index, stmt in enumerate(statements):
        for finding in check_statement(stmt, state):
            if finding.rule not in allowed.get(index, ()):
                violations.append(_violation(file, stmt.line, finding))
    return sorted(violations, key=lambda v: (v.line, v.rule))


def lint_paths(paths: Iterable[str | Path]) -> list[Violation]:
    """Lint files and directories (every *.sql below them, sorted by path)."""
    violations: list[Violation] = []
    for path in _sql_files(paths):
        try:
            text = decode_sql(path.read_bytes(), str(path))
        except OSError as exc:
            raise UsageError(f"{path}: cannot read ({exc}); pass a readable .sql file") from None
        violations += lint_sql(text, str(path))
    return violations


def _sql_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.sql") if p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or directory; pass .sql files or folders")
    return files


def _directive_violations(file: str, directives: FileDirectives) -> list[Violation]:
    violations = [
        _violation(file, p.line, Finding("invalid-directive", p.message, _DIRECTIVE_HELP))
        for p in directives.problems
    ]
    for s in directives.suppressions:
        unknown = [r for r in s.rules if r not in RULES]
        if unknown:
            finding = Finding(
                "invalid-directive",
                f"unknown rule {', '.join(unknown)} in `cfbops: allow`",
                f"Use one of: {', '.join(sorted(RULES))}.",
            )
            violations.append(_violation(file, s.line, finding))
        if s.reason is None:
            finding = Finding(
                "suppression-without-reason",
                f"`cfbops: allow {', '.join(s.rules)}` gives no reason, so it silences nothing.",
                f"-- cfbops: allow {', '.join(s.rules)} because <why this is safe here>",
            )
            violations.append(_violation(file, s.line, finding))
    return violations


_DIRECTIVE_HELP = "-- cfbops: no-transaction\n-- cfbops: allow RULE[, RULE…] because REASON"


def _allowed_rules(
    statements: list[Statement], suppressions: tuple[Suppression, ...]
) -> dict[int, set[str]]:
    """Rules silenced per statement index: a suppression covers the statement on its line,
    else the next one."""
    allowed: dict[int, set[str]] = {}
    for s in suppressions:
        if s.reason is None:
            continue
        on_line = [i for i, st in enumerate(statements) if st.line <= s.line <= st.end_line]
        after = [i for i, st in enumerate(statements) if st.line > s.line]
        target = on_line[-1] if on_line else (after[0] if after else None)
        if target is not None:
            allowed.setdefault(target, set()).update(s.rules)
    return allowed
