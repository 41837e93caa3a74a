"""`cfbops --headless import fast6 FILE.db [--dry-run]`: the picks app's SQLite data into
the `nfl` schema."""

from __future__ import annotations

import argparse
from pathlib import Path

from cfbops.commands.arguments import seconds
from cfbops.commands.base import Command, Outcome
from cfbops.config import Settings
from cfbops.db.locks import DEFAULT_WAIT_S
from cfbops.headless import render_table
from cfbops.nfl.fast6.findings import NOT_IMPORTED, FindingKind
from cfbops.nfl.fast6.importer import Fast6ImportResult, import_fast6
from cfbops.progress import ProgressCallback

SOURCES = ("fast6",)
# The text report lists this many rows not imported; --json and the findings log hold all.
LISTED_NOT_IMPORTED = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", choices=SOURCES, help="fast6: the picks app's SQLite file")
    parser.add_argument("file", metavar="FILE.db", type=Path, help="the SQLite file")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="compare the file with the database and print what would change; writes "
        "nothing (works under --read-only)",
    )
    parser.add_argument(
        "--wait",
        metavar="SECONDS",
        type=seconds,
        default=DEFAULT_WAIT_S,
        help=f"how long to wait for another import to finish (default {DEFAULT_WAIT_S:.0f})",
    )


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    result = import_fast6(
        settings, args.file, dry_run=args.dry_run, wait_s=args.wait, progress=progress
    )
    return Outcome(import_document(result), import_text(result), result.exit_code)


def import_document(result: Fast6ImportResult) -> dict:
    return {
        "file": result.file,
        "sha256": result.sha256,
        "shape": result.shape,
        "dry_run": result.dry_run,
        "refused": result.refused,
        "summary": result.summary(),
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
        "duplicates_removed": result.count(FindingKind.DUPLICATE_PICK),
        "teams_mapped": result.count(FindingKind.TEAM_MAPPED),
        "teams_unmapped": result.count(FindingKind.TEAM_UNMAPPED),
        "games_parsed": result.count(FindingKind.GAME_PARSED),
        "values_decoded": result.count(FindingKind.VALUE_DECODED),
        "unknown_positions": result.unknown_positions,
        "not_imported": [
            {
                "table": f.source_table,
                "id": f.source_id,
                "column": f.source_column,
                "reason": f.detail,
                "row": f.row,
            }
            for f in result.findings
            if f.kind in NOT_IMPORTED
        ],
        "findings": [
            {
                "kind": f.kind,
                "table": f.source_table,
                "id": f.source_id,
                "column": f.source_column,
                "detail": f.detail,
            }
            for f in result.findings
        ],
        "other_tables": result.other_tables,
    }


def import_text(result: Fast6ImportResult) -> str:
    lines = [f"{result.file} ({result.shape})"]
    if result.refused:
        lines.append(
            f"Nothing imported: {result.count(FindingKind.UNDECODABLE)} values cannot be read "
            "as the app's column types; fix them in the file (or the app), then import again."
        )
    else:
        lines += _changes(result)
    not_imported = [f for f in result.findings if f.kind in NOT_IMPORTED]
    for finding in not_imported[:LISTED_NOT_IMPORTED]:
        lines.append(
            f"NOT IMPORTED {finding.source_table} {finding.source_id}: {finding.detail}"
            f" — row {finding.row}"
        )
    if len(not_imported) > LISTED_NOT_IMPORTED:
        lines.append(
            f"… and {len(not_imported) - LISTED_NOT_IMPORTED} more not imported "
            "(all of them with --json)"
        )
    if result.dry_run:
        lines.append("Dry run: nothing was changed.")
    elif result.refused:
        lines.append("Every finding is in ops.fast6_import_findings.")
    else:
        lines.append(
            f"Imported: {result.changed_rows} rows changed; every finding is in "
            "ops.fast6_import_findings."
        )
    return "\n".join(lines)


def _changes(result: Fast6ImportResult) -> list[str]:
    would = "would be " if result.dry_run else ""
    lines = [
        render_table(
            ("table", "from file", f"{would}inserted", f"{would}updated", "unchanged", "not taken"),
            [
                (t.table, t.source_rows, t.inserted, t.updated, t.unchanged, t.not_taken_over)
                for t in result.tables
            ],
        ),
        "",
        f"duplicate picks removed (latest kept): {result.count(FindingKind.DUPLICATE_PICK)}; "
        f"duplicate weeks and users merged: {result.count(FindingKind.DUPLICATE_WEEK)} and "
        f"{result.count(FindingKind.DUPLICATE_USER)}",
        f"values decoded (numpy BLOBs, text numbers…): {result.count(FindingKind.VALUE_DECODED)}",
        f"team names mapped to codes: {result.count(FindingKind.TEAM_MAPPED)}; "
        f"unmapped (kept as they are): {result.count(FindingKind.TEAM_UNMAPPED)}",
        f"games made from a pick's game_id: {result.count(FindingKind.GAME_PARSED)}; "
        f"games found for picks without one: {result.count(FindingKind.GAME_FOUND)}",
        f"picks whose position is Unknown: {result.unknown_positions} of {result.imported_picks}",
    ]
    if result.other_tables:
        lines.append(
            "not taken over: "
            + ", ".join(f"{name} ({rows} rows)" for name, rows in result.other_tables.items())
        )
    return lines


COMMAND = Command("import", "move the picks app's SQLite data into nfl.*", add_arguments, run)
