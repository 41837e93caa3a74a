"""argparse types shared by the commands: each rejects bad input with one line naming the
accepted form, before anything connects or runs."""

from __future__ import annotations

import argparse
import math

from cfbops.backfill.seasons import SeasonError, parse_season_list, parse_season_range
from cfbops.config import DURATION_FORM, parse_duration
from cfbops.migrate.files import VERSION_FORM, parse_version


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of seconds (e.g. 30 or 0.5)"
        ) from None
    # float() takes 'nan' and 'inf': a wait of either would never end.
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a finite number of seconds (e.g. 30 or 0.5)"
        )
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def version(text: str) -> str:
    """A migration version as files spell it: `0105`, `0105.1` (a leading V is dropped)."""
    parsed = parse_version(text)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a migration version ({VERSION_FORM})")
    return parsed


def qualified_object(text: str) -> str:
    """`schema.name` of a view, materialized view or function (`name` alone means
    public.name, as PostgreSQL resolves it)."""
    name = text.strip()
    parts = name.split(".")
    if not name or len(parts) > 2 or not all(p.strip() for p in parts):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an object name (schema.name, e.g. api.recruiting_roi)"
        )
    return name if len(parts) == 2 else f"public.{name}"


def duration(text: str) -> str:
    """A PostgreSQL duration setting: `500` (ms), `2s`, `10min`, `0` for none."""
    if parse_duration(text) is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration ({DURATION_FORM})")
    return text.strip()


def mart_selector(text: str) -> str:
    """A non-blank `--select` value; its names are resolved against the catalog later."""
    if not text.replace(",", " ").strip():
        raise argparse.ArgumentTypeError(
            "an empty selector names no mart (use NAME, NAME+ for it and everything "
            "downstream, +NAME for it and upstream; leave --select out for all marts)"
        )
    return text


def season_range(text: str) -> tuple[int, int]:
    """`2004-2023` or `2024`."""
    try:
        return parse_season_range(text)
    except SeasonError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def season_list(text: str) -> list[int]:
    """`2025`, `2019-2022` or `2019,2021`: the seasons named, in order."""
    try:
        return parse_season_list(text)
    except SeasonError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
