"""One HTTP attempt, read as a stream: refused past a size limit, given up past a total
time, and told apart by whether the request can have reached the API at all."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from cfbops.cfbd.waits import RetryPolicy

# An error answer's text is read for its message only.
ERROR_BODY_BYTES = 64 * 1024

# Failures before the request was sent: refused, DNS, TLS, no free connection, a request
# httpx could not even write. The API never saw these, so they cost nothing.
NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
    httpx.ProxyError,
)


@dataclass(slots=True)
class Answer:
    """What came back: a status and body, or how the attempt failed (`kind`)."""

    status: int | None
    headers: httpx.Headers | Mapping[str, str]
    body: bytes | None
    duration_ms: int
    kind: str = "ok"  # ok, network, timeout, too slow, too large, malformed
    failure: str | None = None
    reached: bool = True  # the request may have reached the API (and been metered)
    stopped: bool = False  # the run stopped while the answer was being read
    parsed: Any = field(default=None)


def fetch(
    http: httpx.Client,
    endpoint: str,
    params: Mapping[str, Any],
    policy: RetryPolicy,
    stopping: threading.Event,
) -> Answer:
    started = time.monotonic()
    deadline = started + policy.request_s
    status: int | None = None
    headers: httpx.Headers | Mapping[str, str] = {}
    try:
        with http.stream("GET", endpoint, params=dict(params)) as response:
            status, headers = response.status_code, response.headers
            ok = 200 <= status < 300
            limit = policy.max_answer_bytes if ok else ERROR_BODY_BYTES
            declared = _int(headers.get("Content-Length"))
            if ok and declared is not None and declared > limit:
                return _too_large(status, headers, started, limit)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    if ok:
                        return _too_large(status, headers, started, limit)
                    break  # an error's message: its start is enough
                chunks.append(chunk)
                if stopping.is_set():
                    return Answer(status, headers, None, _ms(started), "stopped", stopped=True)
                if time.monotonic() > deadline:
                    return Answer(
                        status,
                        headers,
                        None,
                        _ms(started),
                        "too slow",
                        f"no whole answer within {policy.request_s:.0f} s",
                    )
            return Answer(status, headers, b"".join(chunks), _ms(started))
    except NOT_SENT as error:
        return Answer(None, {}, None, _ms(started), "network", _text(error), reached=False)
    except (httpx.InvalidURL, RuntimeError) as error:
        # A URL httpx cannot send to, or the client closed under a worker by a stopping
        # run: nothing left this process.
        stopped = stopping.is_set()
        return Answer(
            None, {}, None, _ms(started), "network", _text(error), reached=False, stopped=stopped
        )
    except httpx.TimeoutException as error:
        return _broken(status, headers, started, "timeout", _text(error))
    except (httpx.TransportError, httpx.DecodingError, httpx.StreamError) as error:
        return _broken(status, headers, started, "network", _text(error))


def _broken(
    status: int | None,
    headers: httpx.Headers | Mapping[str, str],
    started: float,
    kind: str,
    text: str,
) -> Answer:
    """A request sent whose answer broke off: metered if it began as a 2xx (or had not begun:
    the API may have answered it); an error answer cut short is refunded all the same."""
    if status is not None and 200 <= status < 300:
        return Answer(status, headers, None, _ms(started), kind, f"{kind} mid-answer: {text}")
    return Answer(None, {}, None, _ms(started), kind, text, reached=status is None)


def _too_large(
    status: int, headers: httpx.Headers | Mapping[str, str], started: float, limit: int
) -> Answer:
    mb = limit / (1024 * 1024)
    return Answer(
        status, headers, None, _ms(started), "too large", f"an answer over {mb:,.0f} MB (refused)"
    )


def _text(error: BaseException) -> str:
    detail = str(error).splitlines()[0] if str(error) else ""
    name = type(error).__name__
    return f"{name}: {detail}"[:300] if detail else name


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
