"""Diagnostics on stderr: one line at a time, and progress; a reader that went away
silences them, never the run."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from cfbops.progress import Progress, ProgressCallback


def say(line: str, stream: TextIO | None = None) -> None:
    """One line on stderr that is dropped, not raised, when stderr is a closed pipe."""
    stream = stream or sys.stderr
    try:
        print(line, file=stream, flush=True)
    except BrokenPipeError:
        silence(stream)


def silence(stream: TextIO) -> None:
    """Point a stream whose reader went away at /dev/null, so that neither later writes nor
    the interpreter's flush at exit raise BrokenPipeError again."""
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError):
        return  # not a real file (a test's StringIO): nothing to redirect
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


def stderr_progress(stream: TextIO | None = None) -> ProgressCallback:
    """A progress callback printing one line per event on stderr; a closed stderr (`2>&1 |
    head`) ends the reporting, never the run."""

    def report(progress: Progress) -> None:
        say(progress.line(), stream)

    return report
