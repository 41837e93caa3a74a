"""Parse arguments, then run one headless command or open the console."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from typing import NoReturn

from cfbops import __version__
from cfbops.commands.options import CommandParser, global_options
from cfbops.errors import CfbopsError, ExitCode, UsageError


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where SIGINT would be so a run unwinds the same way."""


def _raise_terminated(signum: int, frame: object) -> None:
    del signum, frame
    raise Terminated


def _top_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="cfbops",
        description="Operations console for a PostgreSQL sports-data warehouse.",
        parents=[global_options(suppress=False)],
    )
    parser.add_argument("--version", action="version", version=f"cfbops {__version__}")
    parser.add_argument(
        "--headless",
        action="store_true",
        help="run one COMMAND without the console (cron, CI, scripts)",
    )
    return parser


def console_parser() -> argparse.ArgumentParser:
    """The global options alone: what `cfbops` without a COMMAND (the console) accepts."""
    parser = _top_parser()
    parser.set_defaults(command=None)
    return parser


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or, given the command word `only` of a known command,
    of that command alone (the others' modules stay unimported)."""
    from cfbops.commands import COMMAND_MODULES, all_commands, command_named

    parser = _top_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    child_globals = global_options(suppress=True)
    demo = sub.add_parser(
        "demo",
        parents=[child_globals],
        help="embedded database + demo data, then the console (--headless: without it)",
        description="Start the embedded server, create and migrate the cfbops_demo database, "
        "seed it, refresh its marts and open the console on it; with --headless, stop before "
        "the console (headless commands reach it with --database cfbops_demo). A configured "
        "database is never touched.",
    )
    demo.add_argument(
        "--scale",
        choices=("tiny", "small", "medium", "full"),
        default="small",
        help="how much demo data: tiny (seconds), small, medium, full (the real warehouse's "
        "row counts, minutes) (default: small)",
    )
    demo.add_argument(
        "--fresh",
        action="store_true",
        help="drop the demo database and seed it again (default: reuse it if already seeded)",
    )
    sub.add_parser(
        "psql",
        parents=[child_globals],
        # `cfbops psql --help` is psql's own help: this line is where cfbops says it.
        help="psql on the configured database (the connection in its environment); "
        "arguments after 'psql' go to psql. With --read-only its sessions start read-only: "
        "a guard, not a boundary (BEGIN READ WRITE lifts it); for one, connect as a "
        "read-only role (docs/security.md)",
    )
    commands = [command_named(only)] if only in COMMAND_MODULES else all_commands()
    for command in commands:
        child = sub.add_parser(command.name, parents=[child_globals], help=command.help)
        command.add_arguments(child)
        child.set_defaults(run=command.run)
    return parser


def load_settings_from(args: argparse.Namespace):
    from cfbops.config import load_settings

    return load_settings(
        database_url=args.database_url,
        database=getattr(args, "database", None),
        config=args.config,
        home=args.home,
        read_only=args.read_only,
        verbose=args.verbose,
        sql_dir=getattr(args, "sql_dir", None),
    )


def main(argv: Sequence[str] | None = None) -> int:
    from cfbops.diagnostics import open_closed_standard_streams

    open_closed_standard_streams()
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    # Secrets of the settings once loaded (a config file's URL): no error text carries them.
    loaded_secrets: list[str | None] = []
    try:
        args = parse_arguments(argv)
        as_json = args.json
        return _dispatch(args, loaded_secrets)
    except CfbopsError as error:
        from cfbops.headless import emit_error

        return emit_error(error, as_json=as_json)
    except KeyboardInterrupt as interrupt:
        from cfbops.diagnostics import say

        # 128 + the signal number, as a shell reports a process ended by it.
        if isinstance(interrupt, Terminated):
            say("cfbops: terminated")
            return 128 + signal.SIGTERM
        say("cfbops: interrupted")
        return 128 + signal.SIGINT
    except Exception as error:
        from cfbops.db.connect import connection_lost, describe_lost_connection

        if connection_lost(error):
            from cfbops.errors import DatabaseUnreachable
            from cfbops.headless import emit_error

            lost = DatabaseUnreachable(describe_lost_connection(error))
            return emit_error(lost, as_json=as_json)
        # A bug: say so in one line, full detail only with -v; never a secret in either.
        from cfbops.db.urls import scrub_known_secrets
        from cfbops.diagnostics import say

        urls, secrets = _secrets_in_play(argv)
        urls += loaded_secrets[:1]
        secrets += loaded_secrets[1:]
        if "-v" in argv or "--verbose" in argv:
            sys.stderr.write(scrub_known_secrets(traceback.format_exc(), urls, secrets))
        line = f"cfbops: internal error: {type(error).__name__}: {error}"
        say(scrub_known_secrets(line, urls, secrets))
        return int(ExitCode.FAILED)


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    # Everything after `psql` belongs to psql (its -v, -c, …), not to cfbops.
    ours, psql_args = _split_at_psql(list(argv))
    # The console's start is timed to its first paint: it does without the commands' parser,
    # whose imports (every command's core: the SQL parser, the HTTP client) cost a third of
    # a second.
    # A headless run parses its own command's arguments alone; `--help` without one, or a
    # word no command has, is answered by the whole parser.
    parser = console_parser() if _opens_console(ours) else build_parser(_command_word(ours))
    args = parser.parse_args(ours)
    args.psql_args = psql_args
    return args


def _opens_console(argv: Sequence[str]) -> bool:
    """No COMMAND among the arguments and no --help or --version: the console."""
    asks_about_us = any(arg in ("-h", "--help", "--version") for arg in argv)
    return _command_word_at(argv) is None and not asks_about_us


def _secrets_in_play(argv: Sequence[str]) -> tuple[list[str | None], list[str | None]]:
    """URLs and secrets this run was given, so no error text can carry them."""
    urls: list[str | None] = [os.environ.get(n) for n in ("DATABASE_URL", "CFBOPS_DATABASE_URL")]
    for i, arg in enumerate(argv):
        if arg == "--database-url" and i + 1 < len(argv):
            urls.append(argv[i + 1])
        elif arg.startswith("--database-url="):
            urls.append(arg.partition("=")[2])
    secrets: list[str | None] = [os.environ.get(n) for n in ("PGPASSWORD", "CFBD_API_KEY")]
    return urls, secrets


# Global options that take a value, so the command word can be told from that value.
_VALUED_GLOBALS = ("--database-url", "--database", "--config", "--home")


def _command_word(argv: Sequence[str]) -> str | None:
    at = _command_word_at(argv)
    return None if at is None else argv[at]


def _command_word_at(argv: Sequence[str]) -> int | None:
    """Where the COMMAND word is: the first argument that is neither a global option nor
    a global option's value."""
    i = 0
    while i < len(argv):
        if not argv[i].startswith("-"):
            return i
        i += 2 if argv[i] in _VALUED_GLOBALS else 1
    return None


def _split_at_psql(argv: list[str]) -> tuple[list[str], list[str]]:
    """cfbops's arguments up to the command word `psql`, and psql's after it."""
    i = _command_word_at(argv)
    if i is not None and argv[i] == "psql":
        return argv[: i + 1], argv[i + 1 :]
    return argv, []


def _require_terminal(what: str) -> None:
    # Textual on a pipe (cron without --headless) would write escape codes and wait forever.
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            f"no terminal for {what}; use cfbops --headless COMMAND (e.g. cfbops --headless status)"
        )


def _dispatch(args: argparse.Namespace, loaded_secrets: list[str | None]) -> int:
    settings = load_settings_from(args)
    loaded_secrets[:] = [settings.database_url, settings.cfbd_api_key]
    if args.command == "psql":
        from cfbops.commands.psql import run_psql

        return run_psql(settings, args.psql_args)
    if args.command == "demo":
        if settings.read_only:
            raise UsageError(
                "demo writes its own database (migrate, seed, refresh), which --read-only "
                "forbids; run cfbops demo without --read-only: it never touches a configured one"
            )
        if args.headless:
            return _headless_demo(settings, args)
        _require_terminal("the demo's console")
        from cfbops.tui.launch import run_demo

        return run_demo(settings, scale=args.scale, fresh=args.fresh)
    if args.command is None:
        if args.headless:
            raise UsageError("--headless needs a COMMAND (see 'cfbops --help')")
        _require_terminal("the console")
        from cfbops.tui.launch import run_console

        return run_console(settings)
    from cfbops.diagnostics import stderr_progress
    from cfbops.headless import emit

    with _sigterm_as_interrupt():
        outcome = args.run(settings, args, stderr_progress())
    return emit(outcome, as_json=args.json)


def _headless_demo(settings, args: argparse.Namespace) -> int:
    """The demo's database prepared without the console (no terminal needed)."""
    from cfbops.commands.demo import run_headless_demo
    from cfbops.diagnostics import stderr_progress
    from cfbops.headless import emit

    with _sigterm_as_interrupt():
        outcome = run_headless_demo(
            settings, scale=args.scale, fresh=args.fresh, progress=stderr_progress()
        )
    return emit(outcome, as_json=args.json)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Under cron, systemd or a CI runner a stop is SIGTERM: unwind like Ctrl-C, so running
    statements are cancelled and the run is recorded as interrupted."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (main() called from a worker)
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def entry() -> NoReturn:
    sys.exit(main())


__all__ = ["build_parser", "entry", "main"]
