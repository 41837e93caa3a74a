"""`cfbops --headless lint [FILE…]`: lint migration files for locking hazards."""

from __future__ import annotations

import argparse

from cfbops.commands.base import Command, Outcome
from cfbops.commands.migrate import add_sql_dir_argument
from cfbops.config import Settings
from cfbops.errors import ExitCode
from cfbops.headless import render_table
from cfbops.migrate.lint.linter import RuleSeverity, lint_paths
from cfbops.progress import ProgressCallback


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="files or folders to lint (default: the project's sql/)",
    )
    add_sql_dir_argument(parser)


def run(settings: Settings, args: argparse.Namespace, progress: ProgressCallback) -> Outcome:
    del progress  # lint reads files only; it never connects
    violations = lint_paths(args.files or [settings.sql_dir])
    errors = sum(1 for v in violations if v.severity is RuleSeverity.ERROR)
    if violations:
        table = render_table(
            ("file:line", "severity", "rule", "message"),
            [(f"{v.file}:{v.line}", v.severity.value, v.rule, v.message) for v in violations],
        )
        fixes = "\n".join(f"{v.file}:{v.line} {v.rule}\n  fix: {v.fix}" for v in violations)
        text = f"{table}\n\n{fixes}\n\n{errors} error(s), {len(violations) - errors} warning(s)"
    else:
        text = "No lint violations."
    return Outcome(
        {"violations": [v.as_dict() for v in violations]},
        text,
        ExitCode.FAILED if errors else ExitCode.OK,
    )


COMMAND = Command("lint", "lint migration files for locking hazards", add_arguments, run)
