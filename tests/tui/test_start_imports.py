"""The console's start stays lean: `cfbops` with no COMMAND goes from its arguments to the
App without importing what only commands and drill-downs need (the console's start is held to 1 s)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The SQL parser (a tenth of the start-up budget) and the HTTP client: the first paint needs
# neither, a pending migration's lint or a backfill brings them when asked.
HEAVY = ("pglast", "httpx")


def test_console_start_imports_neither_the_sql_parser_nor_the_http_client(tmp_path) -> None:
    code = (
        "import sys\n"
        "from cfbops.cli import load_settings_from, parse_arguments\n"
        "args = parse_arguments(['--database-url', 'postgresql://u@127.0.0.1:1/db',"
        f" '--home', {str(tmp_path)!r}])\n"
        "assert args.command is None and not args.headless, args\n"
        "load_settings_from(args)\n"
        "import cfbops.tui.app\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert out.strip() == "[]"


def test_commands_still_parse_with_their_own_options() -> None:
    # The console's short way must not swallow a command: `--json status` is the command's.
    from cfbops.cli import parse_arguments

    args = parse_arguments(["--json", "--headless", "budget", "--no-api"])
    assert (args.command, args.json, args.no_api) == ("budget", True, True)
    args = parse_arguments(["--home", "status", "--read-only"])
    assert (args.command, args.home, args.read_only) == (None, Path("status"), True)
