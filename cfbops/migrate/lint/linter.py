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

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from cfbops.errors import UsageError
from cfbops.migrate.lint.chunks import Chunk, statement_chunks
from cfbops.migrate.lint.rules import RULES, FileState, Finding, RuleSeverity
from cfbops.migrate.lint.statement_rules import check_statement
from cfbops.migrate.statements import (
    DirectiveProblem,
    FileDirectives,
    SqlSyntaxError,
    Suppression,
    file_directives,
    split_statements,
)

__all__ = ["RULES", "RuleSeverity", "Violation", "lint_file", "lint_paths", "lint_sql"]


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule broken at one line of one file, with a safe rewrite."""

    file: str
    line: int
    rule: str
    severity: RuleSeverity
    message: str
    fix: str

    def as_dict(self) -> dict[str, object]:
        """A violation as `lint --json` lists it."""
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
    return _lint_chunks(lambda: statement_chunks(text.splitlines(keepends=True)), file)


def lint_file(path: Path) -> list[Violation]:
    """Every violation in one file, read and parsed a chunk of statements at a time, so
    memory stays bounded however large the file; a file that is not UTF-8 is one violation."""

    def chunks() -> Iterator[Chunk]:
        with path.open(encoding="utf-8") as handle:
            yield from statement_chunks(_refuse_nul(_without_bom(handle)))

    try:
        return _lint_chunks(chunks, str(path))
    except UnicodeDecodeError:
        return [_undecodable(path)]
    except _NulByte as nul:
        finding = Finding(
            "syntax-error",
            "the file holds a NUL byte, which would cut the SQL short",
            "Remove it (is this a binary file, or saved as UTF-16?)",
        )
        return [_violation(str(path), nul.line, finding)]


def lint_paths(paths: Iterable[str | Path]) -> list[Violation]:
    """Lint files and directories (every *.sql below them, sorted by path); a file that
    cannot be read is reported as a violation and the others are still linted."""
    violations: list[Violation] = []
    for path in _sql_files(paths):
        try:
            violations += lint_file(path)
        except OSError as exc:
            finding = Finding(
                "syntax-error",
                f"cannot read the file: {exc.strerror or exc}",
                "Make the file readable by this user, or move it out of the migrations.",
            )
            violations.append(_violation(str(path), 1, finding))
    return violations


def _lint_chunks(chunks: Callable[[], Iterable[Chunk]], file: str) -> list[Violation]:
    """Lint statements chunk by chunk: a first pass reads the directives (they apply to the
    whole file), the second parses and checks each chunk, keeping only what it found."""
    directives, chunk_count, statement_total = _scan_directives(chunks())
    state: FileState | None = None
    spans: list[tuple[int, int]] = []
    found: list[tuple[int, Violation]] = []
    for chunk in chunks():
        offset = chunk.first_line - 1
        try:
            statements = split_statements(chunk.text, file)
        except SqlSyntaxError as exc:
            finding = Finding(
                "syntax-error",
                exc.message,
                "Correct the SQL here; nothing in the file runs until it parses.",
            )
            return [_violation(file, exc.line + offset, finding)]
        if state is None:
            # One chunk: the file's own count; several: at least two statements either way.
            count = len(statements) if chunk_count == 1 else statement_total
            state = FileState(directives.no_transaction, count)
        for stmt in statements:
            stmt = replace(stmt, line=stmt.line + offset)
            spans.append((stmt.line, stmt.end_line))
            for finding in check_statement(stmt, state):
                found.append((len(spans) - 1, _violation(file, stmt.line, finding)))
    violations = _directive_violations(file, directives)
    allowed = _allowed_rules(spans, directives.suppressions)
    violations += [v for index, v in found if v.rule not in allowed.get(index, ())]
    return sorted(violations, key=lambda v: (v.line, v.rule))


def _scan_directives(chunks: Iterable[Chunk]) -> tuple[FileDirectives, int, int]:
    """The file's directives (lines counted from the file's start), its number of chunks
    and of statements."""
    no_transaction = False
    suppressions: list[Suppression] = []
    problems: list[DirectiveProblem] = []
    chunk_count = statement_total = 0
    for chunk in chunks:
        chunk_count += 1
        statement_total += chunk.statements
        offset = chunk.first_line - 1
        found = file_directives(chunk.text)
        no_transaction = no_transaction or found.no_transaction
        suppressions += [replace(s, line=s.line + offset) for s in found.suppressions]
        problems += [replace(p, line=p.line + offset) for p in found.problems]
    directives = FileDirectives(no_transaction, tuple(suppressions), tuple(problems))
    return directives, chunk_count, statement_total


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    # A UTF-8 byte order mark is an editor's artefact, not SQL.
    for number, line in enumerate(lines):
        yield line.removeprefix("\ufeff") if number == 0 else line


class _NulByte(Exception):
    """PostgreSQL's parser stops at a NUL: the statements after it would be lost unseen."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _refuse_nul(lines: Iterable[str]) -> Iterator[str]:
    for number, line in enumerate(lines, start=1):
        if "\0" in line:
            raise _NulByte(number)
        yield line


def _undecodable(path: Path) -> Violation:
    """Where the first byte that is not UTF-8 lies, found a line at a time."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                byte = raw[exc.start]
                finding = Finding(
                    "syntax-error",
                    f"the file is not UTF-8 text (byte 0x{byte:02x} at column {exc.start + 1})",
                    "Save the file as UTF-8; PostgreSQL would reject these bytes too.",
                )
                return _violation(str(path), number, finding)
    finding = Finding("syntax-error", "the file is not UTF-8 text", "Save the file as UTF-8.")
    return _violation(str(path), 1, finding)


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
    spans: Sequence[tuple[int, int]], suppressions: tuple[Suppression, ...]
) -> dict[int, set[str]]:
    """Rules silenced per statement index: a suppression covers the statement on its line,
    else the next one. `spans` are (first line, last line) per statement, in file order."""
    starts = [first for first, _ in spans]
    allowed: dict[int, set[str]] = {}
    for s in suppressions:
        if s.reason is None:
            continue
        # The last statement starting on or before the line: it covers the line if it runs
        # on to it (statements never overlap), otherwise the one after it is the next.
        before = bisect_right(starts, s.line) - 1
        target = before if before >= 0 and spans[before][1] >= s.line else before + 1
        if target < len(spans):
            allowed.setdefault(target, set()).update(s.rules)
    return allowed
