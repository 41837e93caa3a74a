"""The command base: what a headless command declares, and the Outcome it hands back."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cfbops.config import Settings
from cfbops.errors import ExitCode
from cfbops.progress import ProgressCallback


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a headless command hands back: its JSON document, its text, its exit code."""

    document: dict[str, Any]
    text: str
    exit_code: ExitCode = ExitCode.OK


Runner = Callable[[Settings, argparse.Namespace, ProgressCallback], Outcome]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Runner
