"""Headless commands: each module declares its arguments and turns a core result into an Outcome."""

from __future__ import annotations

from cfbops.commands.base import Command


def all_commands() -> list[Command]:
    """Every headless command, in the order `--help` lists them."""
    from cfbops.commands import (
        backfill,
        budget,
        check,
        contract,
        grade,
        import_fast6,
        lint,
        migrate,
        nightly,
        refresh,
        seed,
        server,
        status,
        sync,
    )

    return [
        status.COMMAND,
        migrate.COMMAND,
        lint.COMMAND,
        refresh.COMMAND,
        budget.COMMAND,
        backfill.COMMAND,
        check.COMMAND,
        contract.COMMAND,
        seed.COMMAND,
        server.COMMAND,
        sync.COMMAND,
        grade.COMMAND,
        import_fast6.COMMAND,
        nightly.COMMAND,
    ]
