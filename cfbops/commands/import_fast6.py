"""`cfbops --headless import fast6 FILE.db [--dry-run]`: the picks app's SQLite data into
the `nfl` schema."""

from __future__ import annotations

import argparse
from pathlib import Path

from cfbops.commands.base import Command, Outcome
from cfbops.config import Settings
from cfbops.errors import ExitCode
from cfbops.headless import render_table
from cfbops.nfl.fast6.importer import (
    DUPLICATE_PICK,
    GAME_FOUND,
    GAME_PARSED,
    NOT_IMPORTED,
    TEAM_MAPPED,
    TEAM_UNMAPPED,
    Fast6ImportResult,
    import_fast6,
)
from cfbops.progress import ProgressCallback

SOURCES = ("fast6",)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", choices=SOURCES, help="fast6: the picks app's SQLite file")
    parser.add_argument("file", metavar="FILE.db", type=Path, help="the SQLite file")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="do the whole import and roll it back: print what would change",
    )


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    result = import_fast6(settings, args.file, dry_run=args.dry_run, progress=progress)
    return Outcome(
        import_document(result),
        import_text(result),
        ExitCode.OK if result.ok else ExitCode.FAILED,
    )


def import_document(result: Fast6ImportResult) -> dict:
    return {
        "file": result.file,
        "sha256": result.sha256,
        "shape": result.shape,
        "dry_run": result.dry_run,
        "tables": [
            {
                "table": t.table,
                "source_rows": t.source_rows,
                "inserted": t.inserted,
                "updated": t.updated,
                "unchanged": t.unchanged,
                "not_taken_over": t.not_taken_over,
            }
            for t in result.tables
        ],
        "imported_picks": result.imported_picks,
        "duplicates_removed": result.count(DUPLICATE_PICK),
        "teams_mapped": result.count(TEAM_MAPPED),
        "teams_unmapped": result.count(TEAM_UNMAPPED),
        "games_parsed": result.count(GAME_PARSED),
        "unknown_positions": result.unknown_positions,
        "not_imported": [
            {"table": f.source_table, "id": f.source_id, "reason": f.detail, "row": f.row}
            for f in result.findings
            if f.kind in NOT_IMPORTED
        ],
        "findings": [
            {"kind": f.kind, "table": f.source_table, "id": f.source_id, "detail": f.detail}
            for f in result.findings
        ],
        "other_tables": result.other_tables,
    }


def import_text(result: Fast6ImportResult) -> str:
    would = "would be " if result.dry_run else ""
    lines = [
        f"{result.file} ({result.shape})",
        render_table(
            ("table", "from file", f"{would}inserted", f"{would}updated", "unchanged", "not taken"),
            [
                (t.table, t.source_rows, t.inserted, t.updated, t.unchanged, t.not_taken_over)
                for t in result.tables
            ],
        ),
        "",
        f"duplicate picks removed (latest kept): {result.count(DUPLICATE_PICK)}",
        f"team names mapped to codes: {result.count(TEAM_MAPPED)}; "
        f"unmapped (kept as they are): {result.count(TEAM_UNMAPPED)}",
        f"games made from a pick's game_id: {result.count(GAME_PARSED)}; "
        f"games found for picks without one: {result.count(GAME_FOUND)}",
        f"picks whose position is Unknown: {result.unknown_positions} of {result.imported_picks}",
    ]
    if result.other_tables:
        lines.append(
            "not taken over: "
            + ", ".join(f"{name} ({rows} rows)" for name, rows in result.other_tables.items())
        )
    for finding in result.findings:
        if finding.kind in NOT_IMPORTED:
            lines.append(
                f"NOT IMPORTED {finding.source_table} {finding.source_id}: {finding.detail}"
                f" — row {finding.row}"
            )
    if result.dry_run:
        lines.append("Dry run: nothing was changed.")
    else:
        lines.append(
            f"Imported: {result.changed_rows} rows changed; every finding is in "
            "ops.fast6_import_findings."
        )
    return "\n".join(lines)


COMMAND = Command("import", "move the picks app's SQLite data into nfl.*", add_arguments, run)
