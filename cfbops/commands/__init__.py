"""Headless commands: each module declares its arguments and turns a core result into an Outcome."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from cfbops.config import Settings
from cfbops.headless import Outcome
from cfbops.progress import ProgressCallback

Runner = Callable[[Settings, argparse.Namespace, ProgressCallback], Outcome]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Runner


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
