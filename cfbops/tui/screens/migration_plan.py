"""A migration plan up close: each pending file's statements pretty-printed with their lock
levels, its lint and its pre-flight results (`migrate --plan`'s own core)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget

from cfbops.migrate.plan import MigrationPlan, PlannedFile
from cfbops.migrate.plan_text import planned_file_lines
from cfbops.tui.screens.base import DrillDown, text_block


def file_lines(planned: PlannedFile) -> list[str]:
    """`migrate --plan`'s own text for the file, without the tables' sizes (they change
    between runs, and the drill-down's pictures must not)."""
    return planned_file_lines(planned, with_sizes=False)


def summary_line(plan: MigrationPlan) -> str:
    s = plan.summary
    text = (
        f"{s.versioned + s.repeatable} file(s) pending, {s.statements} statement(s); "
        f"strongest lock {s.strongest_lock}; lint {s.lint_errors} error(s), "
        f"{s.lint_warnings} warning(s); {s.failing_checks} failing pre-flight check(s)"
    )
    if plan.drifted:
        text += "; drift: " + ", ".join(f"V{f.version}" for f in plan.drifted)
    return text


class MigrationPlanScreen(DrillDown[bool]):
    """Dismissed with True when the user asks to apply (a confirmation follows)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "apply", "Apply…"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, plan: MigrationPlan, *, selected: str | None = None) -> None:
        super().__init__("Migration plan")
        self.plan = plan
        self.selected = selected

    def body(self) -> Iterable[Widget]:
        yield text_block([summary_line(self.plan)], classes="hint")
        # The file chosen in the migrations pane first (the pane keys rows by file name).
        files = sorted(self.plan.files, key=lambda f: f.file.path.name != self.selected)
        lines = [line for planned in files for line in file_lines(planned)]
        with VerticalScroll():
            yield text_block(lines or ["Nothing pending: the database is up to date."])

    def action_apply(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
