"""The migrations pane: applied, pending, drifted, failed; latest applied; lint state."""

from __future__ import annotations

from cfbops.migrate.listing import MigrationListing
from cfbops.tui.data import ConsoleSnapshot
from cfbops.tui.panes.base import Pane, Row, not_available
from cfbops.tui.panes.text import ago
from cfbops.tui.repaint import set_text

COLUMNS = ("file", "state", "lint", "applied", "id")


class MigrationsPane(Pane):
    title = "1 migrations"
    columns = COLUMNS
    wide_columns = ("file", "state", "lint", "applied")
    narrow_columns = ("id", "state", "lint")
    sorts = ("needs attention first", "name")
    legend = (
        "file: the migration's file; id: its version (V0105) or R__name for a repeatable",
        "state: pending, failed (its last attempt failed, until one succeeds), drifted"
        " (edited after it ran), applied",
        "lint: errors E and warnings W of a file not applied yet (ok when clean)",
        "applied: when; enter opens the plan of a pending file, the record of an applied one",
    )

    @property
    def selected_migration(self) -> str | None:
        """The highlighted migration's file name (a drill-down shows its plan)."""
        return self.selected_key

    def show(self, snapshot: ConsoleSnapshot) -> None:
        summary = snapshot.status.migrations
        listing = snapshot.migration_files
        if summary is None or listing is None:
            self.show_unavailable(not_available("migrate --plan"))
            return
        latest = listing.latest_applied
        latest_text = f"V{latest.key}" if latest else "none"
        set_text(
            self.summary,
            f"{summary.applied} applied · {summary.pending} pending · {summary.failed} failed\n"
            f"{summary.drifted} drifted · latest {latest_text} · lint {lint_state(listing)}",
        )
        self.fill(
            Row(
                row.file,
                (
                    row.file.removesuffix(".sql"),
                    row.state,
                    lint_cell(row.lint_errors, row.lint_warnings, row.state),
                    ago(row.applied_at, snapshot.taken_at) if row.applied_at else "—",
                    f"V{row.key}" if row.key[0].isdigit() else row.key,
                ),
                (row.file,),
            )
            for row in listing.rows
        )


def lint_state(listing: MigrationListing) -> str:
    if not listing.lint_errors and not listing.lint_warnings:
        return "clean"
    return f"{listing.lint_errors} errors, {listing.lint_warnings} warnings"


def lint_cell(errors: int, warnings: int, state: str) -> str:
    if state == "applied":
        return "—"
    if not errors and not warnings:
        return "ok"
    return f"{errors}E {warnings}W"
