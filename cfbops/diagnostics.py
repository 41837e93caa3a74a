"""Diagnostics on stderr: one line at a time, and progress; a reader that went away
silences them, never the run."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from cfbops.progress import Progress, ProgressCallback

_STANDARD_STREAMS = (
    ("stdin", os.O_RDONLY, "r"),
    ("stdout", os.O_WRONLY, "w"),
    ("stderr", os.O_WRONLY, "w"),
)


def open_closed_standard_streams() -> None:
    """Put /dev/null on any of descriptors 0-2 the shell closed (`2>&-`).

    Python starts with sys.stderr None then, and print(file=None) writes to stdout: progress
    and errors would corrupt the JSON there. And the next file or socket opened would take
    the free number, so anything writing to "stderr" (libpq, a child process) would write
    into it. On /dev/null, a closed stream silences what goes to it, nothing else."""
    for descriptor, (name, flags, mode) in enumerate(_STANDARD_STREAMS):
        try:
            os.fstat(descriptor)
        except OSError:
            null = os.open(os.devnull, flags)  # the lowest free number: this one
            if null != descriptor:
                os.dup2(null, descriptor)
                os.close(null)
            stream = open(descriptor, mode, encoding="utf-8", closefd=False)  # noqa: SIM115
            setattr(sys, name, stream)  # for the whole run, as Python would have it


def say(line: str, stream: TextIO | None = None) -> None:
    """One line on stderr that is dropped, not raised, when stderr is a closed pipe or was
    closed before the start (never written to stdout instead)."""
    stream = stream or sys.stderr
    if stream is None:
        return
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
