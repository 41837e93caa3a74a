"""A migration plan up close: each pending file's statements pretty-printed with their lock
levels, its lint and its pre-flight results (`migrate --plan`'s own core)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget

from cfbops.migrate.plan import MigrationPlan, PlannedFile
from cfbops.sqltext import readable_sql
from cfbops.tui.screens.base import DrillDown, text_block


def file_lines(planned: PlannedFile) -> list[str]:
    file = planned.file
    mode = "one transaction" if planned.transactional else "statement by statement (autocommit)"
    lines = [f"== {file.display_path}  [{mode}]"]
    if planned.reason:
        lines.append(f"  pending although unchanged: {planned.reason}")
    if planned.refusal:
        lines.append(f"  REFUSED: migrate will not run this file: {planned.refusal}")
    for s in planned.statements:
        lines.append(
            f"  line {s.line}: {s.lock.level} ({s.lock.duration.value}); blocks {s.lock.blocks}"
        )
        if s.lock.note:
            lines.append(f"    {s.lock.note}")
        if s.cascade:
            lines.append(f"    CASCADE also drops: {', '.join(s.cascade)}")
        lines += [f"    | {text}" for text in readable_sql(s.sql).splitlines()]
    for v in planned.lint:
        lines.append(f"  lint {v.severity.value} {v.rule} (line {v.line}): {v.message}")
        lines.append(f"    fix: {v.fix}")
    for p in planned.preflight:
        lines.append(f"  pre-flight {'ok' if p.passed else 'FAILS'}: {p.message()}")
        lines += [f"    {row}" for row in p.sample]
    return lines


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
