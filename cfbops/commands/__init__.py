"""Headless commands: each module declares its arguments and turns a core result into an Outcome."""

from __future__ import annotations

from importlib import import_module

from cfbops.commands.base import Command

# Each command's name and the module declaring it, in the order `--help` lists them. A run
# imports only its own command's module: every module's core imports (the SQL parser, the
# HTTP client, the backfill) together cost a cron run about a fifth of a second.
COMMAND_MODULES: dict[str, str] = {
    "status": "status",
    "migrate": "migrate",
    "lint": "lint",
    "refresh": "refresh",
    "budget": "budget",
    "backfill": "backfill",
    "check": "check",
    "contract": "contract",
    "seed": "seed",
    "server": "server",
    "sync": "sync",
    "grade": "grade",
    "import": "import_fast6",
    "nightly": "nightly",
}


def command_named(name: str) -> Command:
    """The headless command called `name` (a key of COMMAND_MODULES), its module imported."""
    command: Command = import_module(f"cfbops.commands.{COMMAND_MODULES[name]}").COMMAND
    return command


def all_commands() -> list[Command]:
    """Every headless command, in the order `--help` lists them."""
    return [command_named(name) for name in COMMAND_MODULES]
