"""`migrate --plan` as text: each pending file's statements, locks, lint and pre-flight, and
the summary line; the headless command and the console's drill-down both show it."""

from __future__ import annotations

from cfbops.migrate.plan import MigrationPlan, PlannedFile
from cfbops.sqltext import readable_sql


def _human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def planned_file_lines(planned: PlannedFile, *, with_sizes: bool = True) -> list[str]:
    """One pending file's part of the plan: its statements with their locks, lint,
    objects already present and pre-flight results. `with_sizes` adds the tables' sizes
    (the console leaves them out: they change between runs)."""
    lines: list[str] = []
    file = planned.file
    mode = "one transaction" if planned.transactional else "statement by statement (autocommit)"
    lines.append(f"== {file.display_path}  [{mode}]")
    if planned.reason:
        lines.append(f"  pending although unchanged: {planned.reason}")
    if planned.refusal:
        lines.append(f"  REFUSED: migrate will not run this file: {planned.refusal}")
    for s in planned.statements:
        sizes = ", ".join(
            f"{t.table} {_human_bytes(t.bytes)} ~{t.estimated_rows:,} rows"
            for t in (s.tables if with_sizes else ())
        )
        lines.append(
            f"  line {s.line}: {s.lock.level} ({s.lock.duration.value}); "
            f"blocks {s.lock.blocks}" + (f"; {sizes}" if sizes else "")
        )
        if s.lock.note:
            lines.append(f"    {s.lock.note}")
        if s.cascade:
            lines.append(f"    CASCADE also drops: {', '.join(s.cascade)}")
        if s.keeps:
            lines.append(
                "    kept (no cfbops file re-creates them: saved, then re-created in the same "
                f"transaction): {', '.join(s.keeps)}"
            )
        if s.accepted:
            lines.append(f"    dropped on request (--drop-dependent): {', '.join(s.accepted)}")
        lines += [f"    | {text}" for text in readable_sql(s.sql).splitlines()]
    for v in planned.lint:
        lines.append(f"  lint {v.severity.value} {v.rule} (line {v.line}): {v.message}")
        lines.append(f"    fix: {v.fix}")
    for e in planned.equivalents:
        lines.append(f"  present: {e.message()}")
    for p in planned.preflight:
        status = "ok" if p.passed else "FAILS"
        after = ""
        if p.not_yet:
            earlier = ", ".join(str(n) for n in p.after_lines) or "earlier lines"
            lines.append(
                f"  pre-flight later: {p.file}:{p.line}: {p.target}: its columns arrive with "
                f"line(s) {earlier} of this file; migrate counts just before line {p.line}"
            )
            continue
        if p.after_lines:
            earlier = ", ".join(str(n) for n in p.after_lines)
            after = (
                f" (counted on today's data; depends on line(s) {earlier} of this file, "
                "so migrate counts again after they run)"
            )
        lines.append(f"  pre-flight {status}: {p.message()}{after}")
        lines += [f"    {row}" for row in p.sample]
    return lines


def plan_text(plan: MigrationPlan) -> str:
    lines: list[str] = []
    if plan.drifted:
        lines.append(
            "Drift (migrate will refuse until resolved): "
            + ", ".join(f"V{f.version}" for f in plan.drifted)
        )
    if not plan.files:
        lines.append("Nothing pending.")
    for planned in plan.files:
        lines += planned_file_lines(planned)
    lines += rehearsal_lines(plan)
    lines.append(_summary_line(plan))
    return "\n".join(lines)


def rehearsal_lines(plan: MigrationPlan) -> list[str]:
    """What the rehearsal found about the objects the run keeps."""
    rehearsed = plan.rehearsal
    if rehearsed is None:
        return []
    if rehearsed.note:
        return [rehearsed.note]
    lines = [
        "Rehearsed in a transaction rolled back, to see whether every kept object comes back "
        f"({len(rehearsed.planned)} statement(s) planned, not run)."
    ]
    if rehearsed.kept:
        lines.append(f"Would be re-created ({len(rehearsed.kept)}): {', '.join(rehearsed.kept)}")
    for lost in rehearsed.lost:
        lines.append(f"CANNOT be re-created: {lost.kind} {lost.name}: {lost.reason()}")
    if rehearsed.failed is not None:
        lines.append(f"migrate would fail: {rehearsed.failed.error}")
        if rehearsed.failed.fix:
            lines.append(f"  fix: {rehearsed.failed.fix}")
    return lines


def _summary_line(plan: MigrationPlan) -> str:
    s = plan.summary
    where = f" (at {s.strongest_at})" if s.strongest_at else ""
    shown = ", ".join(s.tables[:8]) + (f", … {len(s.tables) - 8} more" if len(s.tables) > 8 else "")
    parts = [
        f"{s.versioned + s.repeatable} file(s) pending ({s.versioned} versioned, "
        f"{s.repeatable} repeatable), {s.statements} statement(s)",
        f"strongest lock {s.strongest_lock}{where}",
        f"{len(s.tables)} table(s) touched" + (f": {shown}" if shown else ""),
        f"lint {s.lint_errors} error(s), {s.lint_warnings} warning(s)",
        f"{s.failing_checks} failing pre-flight check(s)",
    ]
    if s.refused:
        parts.append(f"{s.refused} file(s) migrate would refuse")
    return "Summary: " + "; ".join(parts) + "."
