"""Every console action once: its key, its name in the footer and the palette, whether it
writes (refused and dimmed under --read-only), and its headless twin."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConsoleAction:
    action: str  # the App's action_<action> method
    key: str  # "" for a palette-only action
    title: str
    help: str
    writes: bool
    headless: str = ""  # the same operation without the console
    show: bool = True  # in the footer (every action is in the palette and the help)


CONSOLE_ACTIONS: tuple[ConsoleAction, ...] = (
    ConsoleAction(
        "apply_migrations",
        "a",
        "Apply",
        "Apply pending migrations (after a confirmation)",
        True,
        "cfbops --headless migrate",
    ),
    ConsoleAction(
        "refresh_stale",
        "r",
        "Refresh stale",
        "Refresh only the stale marts",
        True,
        "cfbops --headless refresh --stale",
    ),
    ConsoleAction(
        "refresh_all", "R", "Refresh all", "Refresh every mart", True, "cfbops --headless refresh"
    ),
    ConsoleAction(
        "refresh_selected",
        "f",
        "Refresh…",
        "Refresh marts by selector (NAME, NAME+, +NAME)",
        True,
        "cfbops --headless refresh --select NAME+",
        show=False,
    ),
    ConsoleAction(
        "run_checks", "c", "Checks", "Run the data-quality checks", False, "cfbops --headless check"
    ),
    ConsoleAction(
        "backfill",
        "b",
        "Backfill",
        "Backfill control: seasons, call cap, estimate, start",
        True,
        "cfbops --headless backfill play-stats --seasons A-B",
    ),
    ConsoleAction(
        "pause_backfill",
        "p",
        "Pause",
        "Pause the running backfill",
        True,
        "cfbops --headless backfill pause",
        show=False,
    ),
    ConsoleAction(
        "cancel_action",
        "x",
        "Cancel",
        "Cancel the running action (its statements cancelled in the server)",
        False,
        "Ctrl-C on the headless command",
    ),
    ConsoleAction(
        "activity",
        "L",
        "Activity",
        "The activity: this session's actions and the last runs from the ops history",
        False,
        "cfbops --headless status",
    ),
    ConsoleAction(
        "budget_ledger",
        "B",
        "Ledger",
        "The budget's ledger of recent CFBD calls",
        False,
        "cfbops --headless budget",
        show=False,
    ),
    ConsoleAction(
        "migration_plan",
        "",
        "Plan",
        "The migration plan: statements, locks, lint, pre-flight",
        False,
        "cfbops --headless migrate --plan",
    ),
    ConsoleAction(
        "drill_down",
        "enter",
        "Details",
        "Open the selected row: a plan, an applied migration's record, a job, a mart, a finding",
        False,
        "cfbops --headless status --json",
        show=False,
    ),
)

ACTIONS_BY_NAME: dict[str, ConsoleAction] = {a.action: a for a in CONSOLE_ACTIONS}
WRITING_ACTIONS: frozenset[str] = frozenset(a.action for a in CONSOLE_ACTIONS if a.writes)
