"""`cfbops --headless contract`: compare the `api` views with SCHEMA_CONTRACT.md
(`--check`, the default; exit 1 on a break) or regenerate the file from the catalog
(`--write`, hand-written notes kept)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from cfbops.api_contract import (
    ContractReport,
    catalog_columns,
    compare,
    contract_types,
    describe,
    parse_contract,
    render_contract,
    type_families,
)
from cfbops.commands.base import Command, Outcome
from cfbops.config import Settings
from cfbops.db.connect import connect
from cfbops.errors import ExitCode, UsageError
from cfbops.progress import ProgressCallback
from cfbops.quality.session import default_contract_path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check", action="store_true", help="compare and exit 1 on a break (default)"
    )
    mode.add_argument(
        "--write", action="store_true", help="regenerate the file's column tables from the catalog"
    )
    parser.add_argument(
        "--contract",
        metavar="FILE",
        type=Path,
        help="the contract file (default: SCHEMA_CONTRACT.md beside the project's sql/)",
    )


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    del progress
    path: Path = args.contract or default_contract_path(settings)
    if not path.is_file() and not args.write:
        raise UsageError(f"no contract file at {path}; pass --contract FILE, or --write one")
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    contract = parse_contract(text)
    if not contract and not (args.write and not text.strip()):
        # An empty file, the README, a cut-off page: a contract that records nothing would
        # pass every check and protect no consumer; --write writes one only into a new or
        # empty file, never into a page that is something else.
        what = "is empty" if not text.strip() else "records no api view"
        way_out = (
            "--write rewrites a contract: give a new or empty file"
            if args.write
            else "pass --contract FILE, or write one with contract --write"
        )
        raise UsageError(
            f"{path} {what}: a schema contract has a '## api.<view>' section per view with "
            f"'| `column` | `type` |' rows; {way_out}"
        )
    text = text if text.strip() else "# Schema contract\n"
    with connect(settings, application_name="cfbops contract") as conn:
        catalog = catalog_columns(conn)
        families = type_families(conn, contract_types(contract, catalog))
    report = compare(contract, catalog, families)
    if args.write:
        updated = render_contract(text, catalog)
        changed = updated != text
        if changed:
            scratch = path.with_name(path.name + ".tmp")
            scratch.write_text(updated, encoding="utf-8")
            os.replace(scratch, path)  # a reader never sees half a file
        document = {"file": str(path), "written": changed, **report_document(report)}
        verb = "rewrote" if changed else "already matches the catalog:"
        lines = [f"{verb} {path}"]
        changes = (*report.removed, *report.retyped, *report.compatible, *report.added)
        lines += [f"  {describe(c)}" for c in changes]
        lines += [f"  {view} recorded" for view in report.unrecorded]
        return Outcome(document, "\n".join(lines))
    document = {"file": str(path), **report_document(report)}
    exit_code = ExitCode.FAILED if report.breaking else ExitCode.OK
    return Outcome(document, check_text(path, report), exit_code)


def report_document(report: ContractReport) -> dict:
    def changes(items: tuple) -> list[dict]:
        return [
            {
                "view": c.view,
                "column": c.column,
                "contract_type": c.contract_type,
                "catalog_type": c.catalog_type,
            }
            for c in items
        ]

    return {
        "breaking": report.breaking,
        "missing_views": list(report.missing_views),
        "unrecorded_views": list(report.unrecorded),
        "removed": changes(report.removed),
        "retyped": changes(report.retyped),
        "retyped_within_family": changes(report.compatible),
        "added": changes(report.added),
    }


def check_text(path: Path, report: ContractReport) -> str:
    lines = [
        f"error: {view} is in {path.name} but not in the database" for view in report.missing_views
    ]
    lines += [
        f"error: {view} is in the database but not in {path.name}: the contract covers the "
        "whole api (record it: contract --write)"
        for view in report.unrecorded
    ]
    lines += [f"error: {describe(c)}" for c in report.removed]
    lines += [f"error: {describe(c)} (another type family)" for c in report.retyped]
    lines += [
        f"info: {describe(c)} (same type family: compatible; run contract --write)"
        for c in report.compatible
    ]
    lines += [f"info: {describe(c)} (compatible; run contract --write)" for c in report.added]
    if report.breaking:
        lines.append("the api breaks its contract: cfb-app and cfb-scout read these columns")
    else:
        compatible = report.added or report.compatible
        lines.append(
            f"the api matches {path.name}" + (" (with compatible changes)" if compatible else "")
        )
    return "\n".join(lines)


COMMAND = Command(
    "contract", "compare api views with SCHEMA_CONTRACT.md, or regenerate it", add_arguments, run
)
