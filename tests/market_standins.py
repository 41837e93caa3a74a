"""Kalshi and Polymarket stand-ins: real HTTP on 127.0.0.1, answers scripted per test.

Each stand-in serves pages of markets with the field shapes the real APIs have (UPSTREAM
surprise 22; Kalshi: cursor paging, prices only as `*_dollars` / `*_fp` strings, the
statuses initialized … finalized and the results yes / no / scalar / ""; a series it does
not list answers 200 with no markets. Polymarket Gamma: offset paging, `outcomes` /
`outcomePrices` / `clobTokenIds` as JSON-encoded strings). A test can put faults in front
of any request: a 429 with Retry-After, a 5xx, a body that is not JSON, a huge or a
dribbled answer.
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
    # Seconds between bytes: a server that trickles its answer.
    dribble_s: float = 0.0
    # Without a Content-Length the body runs until the server closes the connection.
    declare_length: bool = True


# Kalshi answers a series it does not list (KXNFLANYTD after it ended) with no markets.
KALSHI_UNLISTED = {"markets": [], "cursor": ""}


@dataclass
class StandIn:
    """Pages keyed by (path, page key); faults served first, in order, for a path."""

    pages: dict[tuple[str, str], Any] = field(default_factory=dict)
    faults: dict[tuple[str, str], list[Fault]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    url: str = ""
    stopping: threading.Event = field(default_factory=threading.Event)
    # What a page nobody scripted answers (Kalshi: an unlisted series has no markets).
    missing: Any = None

    def answer(self, path: str, key: str) -> Fault:
        queued = self.faults.get((path, key))
        if queued:
            return queued.pop(0)
        if (path, key) in self.pages:
            return Fault(200, json.dumps(self.pages[path, key]).encode())
        if self.missing is not None:
            return Fault(200, json.dumps(self.missing).encode())
        return Fault(404, b'{"error": "no such page"}')


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
            answer = stand_in.answer(path, key_of(parse_qs(parsed.query)))
            head = [f"HTTP/1.1 {answer.status} Stand-in", "Content-Type: application/json"]
            head.append("Connection: close")
            if answer.declare_length:
                head.append(f"Content-Length: {len(answer.body)}")
            head += [f"{name}: {value}" for name, value in answer.headers.items()]
            whole = ("\r\n".join(head) + "\r\n\r\n").encode() + answer.body
            try:
                if not answer.dribble_s:
                    self.wfile.write(whole)
                    return
                # Byte by byte from the status line on: no read ever waits long.
                for byte in whole:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    if stand_in.stopping.wait(answer.dribble_s):
                        return
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client cut the answer off, as it should

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    try:
        yield stand_in
    finally:
        stand_in.stopping.set()  # a dribbling answer stops at once
        server.shutdown()
        server.server_close()
        thread.join()


KALSHI_STATUSES = (
    "initialized", "inactive", "active", "closed", "determined", "disputed", "amended",
    "finalized",
)  # fmt: skip
KALSHI_RESULTS = ("yes", "no", "scalar", "")


def kalshi_market(
    event_ticker: str,
    player: str,
    bid: str,
    ask: str,
    last: str = "0.0000",
    status: str = "active",
    result: str = "",
    leg: int | None = None,
) -> dict[str, Any]:
    """A Kalshi market as GET /markets lists it: prices only as `*_dollars` decimal strings
    and volume as `volume_fp` (the integer-cent fields are gone); a KXNFLTD market names
    its leg, "Travis Kelce: 1+"."""
    assert status in KALSHI_STATUSES and result in KALSHI_RESULTS
    suffix = player.upper().replace(" ", "")[:8] + (f"-{leg}" if leg else "")
    named = f"{player}: {leg}+" if leg else player
    return {
        "ticker": f"{event_ticker}-{suffix}",
        "event_ticker": event_ticker,
        "market_type": "binary",
        "title": f"{named} touchdowns" if leg else f"{player}: first touchdown?",
        "yes_sub_title": named,
        "no_sub_title": named,
        "status": status,
        "result": result,
        "yes_bid_dollars": bid,
        "yes_ask_dollars": ask,
        "no_bid_dollars": f"{1 - float(ask):.4f}",
        "no_ask_dollars": f"{1 - float(bid):.4f}",
        "last_price_dollars": last,
        "volume_fp": "1500.00",
        "open_interest_fp": "820.00",
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
