"""Migration files as the console's migrations pane lists them: what needs attention first
(pending, drifted, failed, with their lint counts), then the latest applied."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from cfbops.migrate.files import MigrationFile
from cfbops.migrate.history import AppliedMigration
from cfbops.migrate.state import MigrationState

# Applied files listed under the ones that need attention: the newest few are what a person
# asks about ("did last night's migration go in?").
APPLIED_SHOWN = 5


@dataclass(frozen=True, slots=True)
class MigrationRow:
    key: str  # V0105, or R__name for a repeatable: what history and `migrate --to` call it
    file: str  # the file's name, as a drill-down opens it
    state: str  # pending, drifted, failed or applied
    applied_at: datetime | None
    lint_errors: int = 0
    lint_warnings: int = 0


@dataclass(frozen=True, slots=True)
class MigrationListing:
    rows: tuple[MigrationRow, ...]
    latest_applied: MigrationRow | None

    @property
    def lint_errors(self) -> int:
        return sum(r.lint_errors for r in self.rows if r.state != "applied")

    @property
    def lint_warnings(self) -> int:
        return sum(r.lint_warnings for r in self.rows if r.state != "applied")


def list_migrations(
    files: list[MigrationFile], state: MigrationState, history: Mapping[str, AppliedMigration]
) -> MigrationListing:
    """The listing from files, state and history already read (the console reads them once)."""
    failed_keys = {key for key, row in history.items() if not row.success}
    by_key = {f.key: f for f in files}
    rows: list[MigrationRow] = []
    for file in state.pending:
        status = "failed" if file.key in failed_keys else "pending"
        rows.append(_linted(file, status))
    rows += [_linted(file, "drifted") for file in state.drifted]
    # The schema's version is the highest versioned file applied: repeatables re-run with
    # every change, so their order says little.
    versions = [a for a in state.applied if a.version is not None and a.key in by_key]
    newest = sorted(versions, key=lambda a: by_key[a.key].sort_key, reverse=True)
    applied = [_applied_row(a, by_key) for a in newest[:APPLIED_SHOWN]]
    return MigrationListing(tuple(rows + applied), applied[0] if applied else None)


def _applied_row(applied: AppliedMigration, by_key: Mapping[str, MigrationFile]) -> MigrationRow:
    file = by_key.get(applied.key)
    return MigrationRow(
        applied.key, file.path.name if file else applied.name, "applied", applied.applied_at
    )


def _linted(file: MigrationFile, state: str) -> MigrationRow:
    # Imported here: the linter brings pglast, and with nothing pending the console's first
    # paint needs neither.
    from cfbops.migrate.lint.linter import lint_file
    from cfbops.migrate.lint.rules import RuleSeverity

    violations = lint_file(file.path)
    errors = sum(1 for v in violations if v.severity is RuleSeverity.ERROR)
    return MigrationRow(file.key, file.path.name, state, None, errors, len(violations) - errors)
