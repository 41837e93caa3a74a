"""Every console action once: its key, its name in the footer and the palette, and whether
it writes (refused under --read-only)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConsoleAction:
    action: str  # the App's action_<action> method
    key: str  # "" for a palette-only action
    title: str
    help: str
    writes: bool


CONSOLE_ACTIONS: tuple[ConsoleAction, ...] = (
    ConsoleAction(
        "apply_migrations", "a", "Apply", "Apply pending migrations (after a confirmation)", True
    ),
    ConsoleAction("refresh_stale", "r", "Refresh stale", "Refresh only the stale marts", True),
    ConsoleAction("refresh_all", "R", "Refresh all", "Refresh every mart", True),
    ConsoleAction(
        "refresh_selected", "f", "Refresh…", "Refresh marts by selector (NAME, NAME+, +NAME)", True
    ),
    ConsoleAction("run_checks", "c", "Checks", "Run the data-quality checks", False),
    ConsoleAction(
        "backfill", "b", "Backfill", "Backfill control: seasons, call cap, estimate, start", True
    ),
    ConsoleAction("pause_backfill", "p", "Pause", "Pause the running backfill", True),
    ConsoleAction(
        "budget_ledger", "l", "Ledger", "The budget's ledger of recent CFBD calls", False
    ),
    ConsoleAction(
        "migration_plan",
        "",
        "Plan",
        "The migration plan: statements, locks, lint, pre-flight",
        False,
    ),
    ConsoleAction("drill_down", "enter", "Details", "Open the selected row's drill-down", False),
)

ACTIONS_BY_NAME: dict[str, ConsoleAction] = {a.action: a for a in CONSOLE_ACTIONS}
