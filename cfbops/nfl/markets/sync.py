"""`sync markets`: read Kalshi and Polymarket whole, then store one snapshot in one
transaction. A source failing half-way (after its retries) stores nothing at all."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from cfbops.config import Settings
from cfbops.db.connect import connect, one_line_database_errors, require_writable
from cfbops.db.locks import DEFAULT_WAIT_S, advisory_lock
from cfbops.errors import UsageError
from cfbops.nfl.markets import kalshi, polymarket
from cfbops.nfl.markets.http import DEFAULT_LIMITS, JsonSource, SourceLimits
from cfbops.nfl.markets.models import SeriesAnswer, SourceListing
from cfbops.nfl.markets.store import store_snapshot
from cfbops.progress import ProgressCallback, TaskProgress, ignore_progress

TASK = "sync markets"
MARKETS_LOCK = "cfbops.nfl.markets"
SWITCHED_OFF = (
    "sync markets is switched off: set markets = true in cfbops.toml "
    "(or CFBOPS_MARKETS=1) to read Kalshi and Polymarket"
)


@dataclass(frozen=True, slots=True)
class SourceSummary:
    source: str
    pages: int
    requests: int
    quotes: int
    resolutions: int
    stored_odds: int
    stored_outcomes: int
    passed_over: dict[str, int]
    series: tuple[SeriesAnswer, ...] = ()

    @property
    def unmatched(self) -> int:
        """Quotes whose game is not in nfl.games (not synced yet, or another season)."""
        return self.quotes - self.stored_odds


@dataclass(frozen=True, slots=True)
class MarketSyncResult:
    snapshot_time: datetime
    sources: tuple[SourceSummary, ...]

    def as_dict(self) -> dict:
        return {
            "snapshot_time": self.snapshot_time,
            "sources": [
                {
                    "source": s.source,
                    "pages": s.pages,
                    "requests": s.requests,
                    "quotes": s.quotes,
                    "stored_odds": s.stored_odds,
                    "unmatched": s.unmatched,
                    "resolutions": s.resolutions,
                    "stored_outcomes": s.stored_outcomes,
                    "passed_over": s.passed_over,
                    # Kalshi's series, each with what it answered (no markets: not listed).
                    "series": [
                        {"series": a.series, "pages": a.pages, "markets": a.markets}
                        for a in s.series
                    ],
                }
                for s in self.sources
            ],
        }


def sync_markets(
    settings: Settings,
    *,
    now: datetime | None = None,
    wait_s: float | None = DEFAULT_WAIT_S,
    progress: ProgressCallback = ignore_progress,
    sleep: Callable[[float], None] = time.sleep,
    limits: SourceLimits = DEFAULT_LIMITS,
) -> MarketSyncResult:
    if not settings.markets:
        raise UsageError(SWITCHED_OFF)
    require_writable(settings, "sync markets")
    snapshot = (now or datetime.now(UTC)).replace(microsecond=0)
    steps = TaskProgress(progress, TASK, total=3)
    listings: list[tuple[SourceListing, int]] = []
    for name, url, reader in (
        ("Kalshi", settings.kalshi_url, lambda s: kalshi.fetch(s, settings.kalshi_series)),
        ("Polymarket", settings.polymarket_url, polymarket.fetch),
    ):
        with JsonSource(name, url, sleep=sleep, on_wait=steps.note, limits=limits) as source:
            listing = reader(source)
            listings.append((listing, source.requests))
        steps.step(f"{name}: {len(listing.quotes)} prices on {listing.pages} pages")

    quotes = [q for listing, _ in listings for q in listing.quotes]
    resolutions = [r for listing, _ in listings for r in listing.resolutions]
    with (
        one_line_database_errors("sync markets changed nothing"),
        connect(settings, application_name="cfbops sync markets") as conn,
    ):
        with advisory_lock(conn, MARKETS_LOCK, wait_s=wait_s), conn.transaction():
            stored = store_snapshot(conn, quotes, resolutions, snapshot)
    summaries = tuple(
        SourceSummary(
            source=listing.source.value,
            pages=listing.pages,
            requests=requests,
            quotes=len(listing.quotes),
            resolutions=len(listing.resolutions),
            stored_odds=stored.odds_by_source.get(listing.source.value, 0),
            stored_outcomes=stored.outcomes_by_source.get(listing.source.value, 0),
            passed_over=listing.passed_over,
            series=listing.series,
        )
        for listing, requests in listings
    )
    steps.step(f"stored {sum(s.stored_odds for s in summaries)} prices")
    return MarketSyncResult(snapshot, summaries)
