"""Headless output: one JSON document or a human table on stdout, diagnostics on stderr."""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from cfbops.commands.base import Outcome
from cfbops.diagnostics import say, silence
from cfbops.errors import CfbopsError, ExitCode


def jsonable(value: Any) -> Any:
    """Turn dataclasses, enums, paths and datetimes into plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "as_dict"):
            return jsonable(value.as_dict())
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def emit(outcome: Outcome, *, as_json: bool, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    try:
        if as_json:
            document = {"ok": outcome.exit_code == ExitCode.OK, **outcome.document}
            json.dump(jsonable(document), stdout, indent=2, sort_keys=False)
            stdout.write("\n")
        elif outcome.text:
            stdout.write(outcome.text.rstrip("\n") + "\n")
        stdout.flush()
    except BrokenPipeError:
        silence(stdout)  # `| head`: the reader has what it wanted; the run itself is done
    return int(outcome.exit_code)


def emit_error(error: CfbopsError, *, as_json: bool, stdout: TextIO | None = None) -> int:
    """One line on stderr; with --json also an `ok: false` document on stdout."""
    message = str(error).replace("\n", " ").strip()
    say(f"cfbops: error: {message}")
    if as_json:
        stdout = stdout or sys.stdout
        document = {"ok": False, "error": {"message": message, "exit_code": int(error.exit_code)}}
        try:
            json.dump(document, stdout, indent=2)
            stdout.write("\n")
            stdout.flush()
        except BrokenPipeError:
            silence(stdout)
    return int(error.exit_code)


def render_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain aligned text table; numbers right-aligned, None shown as '-'."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    lines = ["  ".join(h.ljust(widths[i]) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(_align(v, widths[i]) for i, v in enumerate(row)).rstrip())
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _align(text: str, width: int) -> str:
    stripped = text.replace(",", "").replace(".", "", 1).lstrip("-")
    return text.rjust(width) if stripped.isdigit() else text.ljust(width)
