"""Small renderings the panes share: ages, countdowns, durations, bars and sparklines as text
(plain characters, so they read the same in 16 colours, under NO_COLOR and in snapshots)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

SPARK_LEVELS = "▁▂▃▄▅▆▇█"


def ago(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never"
    return f"{age(moment, now)} ago"


def age(moment: datetime, now: datetime) -> str:
    """How long ago, short enough for a table cell: 12s, 52m, 1h 53m, 3d 04h."""
    seconds = max((now - moment).total_seconds(), 0.0)
    return span(seconds) if seconds >= 3600 or seconds < 60 else f"{int(seconds // 60)}m"


def countdown(until: datetime, now: datetime) -> str:
    seconds = (until - now).total_seconds()
    return "now" if seconds <= 0 else f"in {span(seconds)}"


def span(seconds: float) -> str:
    """A duration as a person says it: the two largest units that matter."""
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def duration_ms(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1000:
        return f"{value:.0f} ms"
    return f"{value / 1000:.1f} s"


def count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def spark(values: Sequence[float]) -> str:
    """One character a value, scaled to the largest (an all-zero series is a flat floor)."""
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return SPARK_LEVELS[0] * len(values)
    last = len(SPARK_LEVELS) - 1
    return "".join(SPARK_LEVELS[round(v / top * last)] for v in values)


def bar(done: int, total: int, width: int = 12) -> str:
    if total <= 0:
        return "░" * width
    filled = min(round(done / total * width), width)
    return "█" * filled + "░" * (width - filled)


def per_day(value: float) -> str:
    return f"{value:,.1f}/day" if value < 10 else f"{value:,.0f}/day"


def rate_and_eta(per_s: float | None, eta_s: float | None) -> str:
    if per_s is None:
        return "—"
    rate = f"{per_s:.1f}/s" if per_s >= 1 else f"{per_s * 60:.1f}/min"
    return rate if eta_s is None else f"{rate}, ETA {span(eta_s)}"
