"""Kalshi and Polymarket stand-ins: real HTTP on 127.0.0.1, answers scripted per test.

Each stand-in serves pages of markets with the field shapes the real APIs document
(Kalshi: cursor paging, `*_dollars` decimal strings; Polymarket Gamma: offset paging,
`outcomes` / `outcomePrices` / `clobTokenIds` as JSON-encoded strings). A test can put
faults in front of any request: a 429 with Retry-After, a 5xx, a body that is not JSON.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Fault:
    status: int
    body: bytes = b'{"error": "stand-in fault"}'
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class StandIn:
    """Pages keyed by (path, page key); faults served first, in order, for a path."""

    pages: dict[tuple[str, str], Any] = field(default_factory=dict)
    faults: dict[tuple[str, str], list[Fault]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    url: str = ""

    def answer(self, path: str, key: str) -> tuple[int, bytes, dict[str, str]]:
        queued = self.faults.get((path, key))
        if queued:
            fault = queued.pop(0)
            return fault.status, fault.body, fault.headers
        if (path, key) in self.pages:
            return 200, json.dumps(self.pages[path, key]).encode(), {}
        return 404, b'{"error": "no such page"}', {}


def kalshi_key(query: dict[str, list[str]]) -> str:
    return f"{query.get('series_ticker', [''])[0]}|{query.get('cursor', [''])[0]}"


def polymarket_key(query: dict[str, list[str]]) -> str:
    return query.get("offset", ["0"])[0]


@contextmanager
def serve(stand_in: StandIn, prefix: str, key_of) -> Iterator[StandIn]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parsed = urlparse(self.path)
            stand_in.requests.append(self.path)
            path = parsed.path.removeprefix(prefix)
            status, body, headers = stand_in.answer(path, key_of(parse_qs(parsed.query)))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def kalshi_market(
    event_ticker: str,
    player: str,
    bid: str,
    ask: str,
    last: str = "0.0000",
    status: str = "active",
    result: str = "",
) -> dict[str, Any]:
    """A Kalshi market as GET /markets lists it: prices as `*_dollars` decimal strings."""
    suffix = player.upper().replace(" ", "")[:8]
    return {
        "ticker": f"{event_ticker}-{suffix}",
        "event_ticker": event_ticker,
        "market_type": "binary",
        "title": f"{player}: first touchdown?",
        "yes_sub_title": player,
        "no_sub_title": player,
        "status": status,
        "result": result,
        "yes_bid": round(float(bid) * 100),
        "yes_ask": round(float(ask) * 100),
        "yes_bid_dollars": bid,
        "yes_ask_dollars": ask,
        "no_bid_dollars": f"{1 - float(ask):.4f}",
        "no_ask_dollars": f"{1 - float(bid):.4f}",
        "last_price_dollars": last,
        "volume": 1500,
        "volume_fp": "1500.00",
        "close_time": "2025-09-06T04:00:00Z",
    }


def polymarket_market(
    market_id: str, player: str, yes_price: str, kind: str, closed: bool = False
) -> dict[str, Any]:
    """A Gamma market: outcomes, outcomePrices and clobTokenIds are JSON-encoded strings."""
    no_price = f"{1 - float(yes_price):.3f}".rstrip("0").rstrip(".") or "0"
    return {
        "id": market_id,
        "question": f"Will {player} score a touchdown?",
        "conditionId": f"0x{int(market_id):064x}",
        "slug": f"{player.lower().replace(' ', '-')}-{kind}",
        "groupItemTitle": player,
        "sportsMarketType": kind,
        "outcomes": json.dumps(["Yes", "No"]),
        "outcomePrices": json.dumps([yes_price, no_price]),
        "clobTokenIds": json.dumps([f"{market_id}1", f"{market_id}2"]),
        "volume": "2500.5",
        "volumeNum": 2500.5,
        "active": True,
        "closed": closed,
    }


def polymarket_event(slug: str, markets: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": slug.replace("-", "")[:10], "slug": slug, "title": slug, "markets": markets}
