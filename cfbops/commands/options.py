"""The command line's global options and its parser, shared by cli and each command's subparsers."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from cfbops.errors import UsageError


class CommandParser(argparse.ArgumentParser):
    """argparse that reports bad input as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def global_options(*, suppress: bool) -> argparse.ArgumentParser:
    # Subparsers repeat the global options with SUPPRESS defaults, so that
    # `cfbops --headless status --json` and `cfbops --json --headless status` both work.
    default = argparse.SUPPRESS if suppress else None
    flag_default = argparse.SUPPRESS if suppress else False
    parent = CommandParser(add_help=False)
    group = parent.add_argument_group("global options")
    group.add_argument(
        "--database-url",
        metavar="URL",
        default=default,
        help="PostgreSQL URL (default: DATABASE_URL, config file, or embedded)",
    )
    group.add_argument(
        "--database",
        metavar="NAME",
        default=default,
        help="another database on the same server, e.g. the demo's: --database cfbops_demo "
        "(default: the one the URL names; cfbops on the embedded server)",
    )
    group.add_argument(
        "--config",
        metavar="FILE",
        type=Path,
        default=default,
        help="config file (default: ./cfbops.toml, pyproject.toml, user config)",
    )
    group.add_argument(
        "--home",
        metavar="DIR",
        type=Path,
        default=default,
        help="embedded server and local state (default: user data directory)",
    )
    group.add_argument(
        "--read-only",
        action="store_true",
        default=flag_default,
        help="open every session with default_transaction_read_only=on; every writing "
        "command refuses up front (exit 2). A guard, not a boundary: in cfbops psql, "
        "BEGIN READ WRITE lifts it; connect as a read-only role for one (docs/security.md)",
    )
    group.add_argument(
        "--json",
        action="store_true",
        default=flag_default,
        help="print one JSON document on stdout",
    )
    group.add_argument(
        "-v", "--verbose", action="store_true", default=flag_default, help="more detail on stderr"
    )
    return parent
