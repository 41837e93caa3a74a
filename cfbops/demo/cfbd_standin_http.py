"""The CFBD stand-in's HTTP side: the CDN in front (burst blocks), the key check, metering,
and every way an answer can arrive or break off (cut by a reset, dribbled, endless)."""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# The endpoints the API meters (every other one is free or unknown).
METERED = ("/plays/stats", "/games", "/stats/game/havoc")
# What the CDN answers a blocked request with: a page, not the API's JSON.
CDN_PAGE = (
    b"<html><head><title>429 Too Many Requests</title></head><body>rate limited</body></html>"
)
GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError)


class QuietServer(ThreadingHTTPServer):
    """A client that hangs up (it gave up, or refused an answer half read) is the client's
    business: no traceback on the stand-in's stderr for it."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], GONE):
            super().handle_error(request, client_address)


def handler_for(standin: Any) -> type[BaseHTTPRequestHandler]:
    """The request handler serving `standin` (a cfbd_standin.StandIn: its state and answers)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real API
        # The body follows the headers without waiting: with Nagle's algorithm it waited
        # for the client's delayed ACK of the headers, 40 ms a call that the benchmark
        # counted against the backfill (the real API answers in one go).
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            del format, args  # quiet: tests and the demo read the ledger, not a log

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            status = self._answer(parts.path, params)
            with standin.lock:
                standin.served.append((parts.path, params, status))

        def _answer(self, path: str, params: dict[str, str]) -> int:
            if standin.responder is not None:
                status, headers, body = standin.responder(path, params)
                return self._send_raw(status, body, headers, api=False)
            blocked = standin.cdn_block_left()
            if blocked:
                return self._cdn_429(blocked)
            if self.headers.get("Authorization") != f"Bearer {standin.api_key}":
                return self._send(401, {"message": "Unauthorized"})
            if path == "/info":
                fault = standin.take_fault(path, params)
                if fault is not None:
                    return self._fault(fault, path, params, lambda: standin.info())
                return self._send(200, standin.info())
            if path not in METERED:
                return self._send(404, {"message": "Not found"})
            standin._enter()
            try:
                return self._metered(path, params)
            finally:
                with standin.lock:
                    standin.in_flight -= 1

        def _metered(self, path: str, params: dict[str, str]) -> int:
            if standin.latency_s:
                time.sleep(standin.latency_s)
            # Metering: each authenticated request reserves a call; non-2xx are refunded.
            with standin.lock:
                quota = standin.used >= standin.limit
                if not quota:
                    standin.used += 1
            if quota:
                return self._send(429, {"message": "Monthly call quota exceeded."})
            status = self._serve(path, params)
            if not 200 <= status < 300:
                with standin.lock:
                    standin.used -= 1
            return status

        def _serve(self, path: str, params: dict[str, str]) -> int:
            def body() -> Any:
                if path == "/plays/stats":
                    return standin.play_stats(params)
                if path == "/stats/game/havoc":
                    return standin.havoc(params)
                return standin.games_answer(params)

            fault = standin.take_fault(path, params)
            if fault is not None:
                return self._fault(fault, path, params, body)
            return self._send(200, body())

        def _fault(self, fault: Any, path: str, params: dict[str, str], body: Any) -> int:
            kind = fault.kind
            if kind == "burst429":
                return self._cdn_429(None, fault.retry_after)
            if kind == "quota429":
                return self._send(429, {"message": "Monthly call quota exceeded."})
            if kind in ("503", "500"):
                return self._send(int(kind), {"message": "Service unavailable"})
            if kind == "400":
                return self._send(400, {"message": "Bad request", "details": "invalid gameId"})
            if kind == "malformed":
                return self._send_raw(200, b'[{"gameId": 1, "playId": ')
            if kind == "huge":
                return self._endless()
            rows = body()
            if kind == "timeout":
                time.sleep(standin.hang_s)
            if kind == "missing-field" and isinstance(rows, list):
                rows = [{k: v for k, v in row.items() if k != "gameId"} for row in rows]
            data = json.dumps(rows).encode()
            if kind == "reset":
                return self._reset_midway(data)
            if kind == "dribble":
                return self._dribble(data)
            return self._send_raw(200, data)

        def _cdn_429(self, left_s: float | None, retry_after: str | None = None) -> int:
            """A block from the CDN in front of the API: not JSON, no call count, and it
            never reached the API (so it is not metered)."""
            headers = {"Content-Type": "text/html"}
            if retry_after is not None:
                headers["Retry-After"] = retry_after
            elif left_s is not None:
                headers["Retry-After"] = str(max(int(left_s + 0.999), 1))
            return self._send_raw(429, CDN_PAGE, headers, api=False)

        def _reset_midway(self, data: bytes) -> int:
            """Headers and half the answer, then a TCP reset: 'reset mid-answer'."""
            self._headers(200, len(data))
            with contextlib.suppress(*GONE):
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                # SO_LINGER 0: close() sends RST, not FIN, as a dropped connection does.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
            self.close_connection = True
            return 200

        def _dribble(self, data: bytes) -> int:
            """The answer a byte every `dribble_s`: each read is quick, the whole is not."""
            self._headers(200, len(data))
            with contextlib.suppress(*GONE):
                for byte in data:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(standin.dribble_s)
            self.close_connection = True
            return 200

        def _endless(self) -> int:
            """`huge_mb` of rows, chunked (no Content-Length to refuse it by)."""
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b'{"gameId": 1, "playId": "1", "team": "A", "statType": "Rush"},' * 1000
            with contextlib.suppress(*GONE):
                for part in [b"[", *[chunk] * (standin.huge_mb * 2**20 // len(chunk)), b"{}]"]:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.write(b"0\r\n\r\n")
            self.close_connection = True
            return 200

        def _send(self, status: int, body: Any, extra: dict[str, str] | None = None) -> int:
            return self._send_raw(status, json.dumps(body).encode(), extra)

        def _headers(
            self, status: int, length: int, extra: dict[str, str] | None = None, api: bool = True
        ) -> None:
            self.send_response(status)
            extra = dict(extra or {})
            self.send_header("Content-Type", extra.pop("Content-Type", "application/json"))
            self.send_header("Content-Length", str(length))
            if api:  # only the API counts calls; the CDN knows nothing of them
                with standin.lock:
                    remaining = max(standin.limit - standin.used, 0)
                self.send_header("X-CallLimit-Remaining", str(remaining))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()

        def _send_raw(
            self,
            status: int,
            data: bytes,
            extra: dict[str, str] | None = None,
            *,
            api: bool = True,
        ) -> int:
            self._headers(status, len(data), extra, api)
            # A client that gave up (a timeout) is gone: the call was still metered.
            with contextlib.suppress(*GONE):
                self.wfile.write(data)
            return status

    return Handler
