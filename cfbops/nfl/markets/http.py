"""GET JSON from a market source: retries on 429 (honouring Retry-After), 5xx and network
errors; anything still failing after that fails the whole sync with one line.

Every answer is bounded (issue 26 §8): read as a stream and refused past `max_bytes`, and
each request ends within `total_s` whatever the server does — one dribbling a byte every
few seconds never trips a per-read timeout, so the request runs in a worker thread that is
abandoned (its connection closed) once the deadline passes.
"""

from __future__ import annotations

import email.utils
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from cfbops.errors import OperationFailed

ATTEMPTS = 4
# Kalshi and Polymarket ask for seconds, not minutes; a longer wait means something else.
MAX_RETRY_AFTER_S = 30.0
# A quiet connection (nothing at all for this long) fails the try.
READ_TIMEOUT_S = 20.0
# A whole request, headers to last byte: a Kalshi page of 200 markets takes well under 1 s.
TOTAL_TIMEOUT_S = 60.0
# A Kalshi page of 200 markets is about 300 kB, a Polymarket page of 100 events a few MB.
MAX_ANSWER_BYTES = 32 * 1024 * 1024
# A series or listing is a few pages a week; this many means a runaway cursor or offset.
MAX_PAGES = 500


class MarketSourceFailed(OperationFailed):
    """A market source could not be read; nothing was stored."""


class PageLimitReached(MarketSourceFailed):
    """A listing had more pages than a sync reads (or its cursor went round in a circle):
    cut, so nothing was stored."""


def retry_after_seconds(value: str | None, default: float) -> float:
    """Retry-After as seconds or an HTTP date; capped, never negative."""
    if not value:
        return default
    try:
        wait = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return default
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        wait = (when - datetime.now(UTC)).total_seconds()
    if wait != wait:  # NaN
        return default
    return min(max(wait, 0.0), MAX_RETRY_AFTER_S)


@dataclass(frozen=True, slots=True)
class SourceLimits:
    """How much one sync reads from a source at most; a listing past one is cut, stored
    nothing, and says which limit cut it."""

    max_bytes: int = MAX_ANSWER_BYTES
    total_s: float = TOTAL_TIMEOUT_S
    read_s: float = READ_TIMEOUT_S
    max_pages: int = MAX_PAGES


DEFAULT_LIMITS = SourceLimits()


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    retry_after: str | None
    body: bytes


class TooLarge(Exception):
    """The answer passed the size cap while it was read."""


class JsonSource:
    """One source's base URL and HTTP client; `get` returns decoded JSON."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[str], None] | None = None,
        limits: SourceLimits = DEFAULT_LIMITS,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/") + "/"
        self.sleep = sleep
        self.on_wait = on_wait
        self.limits = limits
        self.requests = 0
        self.client = self._new_client()

    def _new_client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(self.limits.read_s),
            headers={"Accept": "application/json", "User-Agent": "cfbops"},
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> JsonSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _failed(self, path: str, what: str) -> MarketSourceFailed:
        return MarketSourceFailed(f"{self.name} {what} for /{path}; nothing was stored")

    def get(self, path: str, params: Mapping[str, Any]) -> Any:
        path = path.lstrip("/")
        problem = ""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                answer = self._fetch(path, params)
                self.requests += 1
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}".rstrip(": ")
                wait = float(attempt)
            else:
                if answer.status == 429:
                    problem = "rate limited (429)"
                    wait = retry_after_seconds(answer.retry_after, 5.0)
                elif answer.status >= 500:
                    problem = f"HTTP {answer.status}"
                    wait = float(attempt)
                elif answer.status >= 400:
                    raise self._failed(
                        path, f"answered HTTP {answer.status}; check the source URL in the config"
                    )
                else:
                    try:
                        return json.loads(answer.body)
                    except ValueError:
                        raise self._failed(path, "sent a response that is not JSON") from None
            if attempt < ATTEMPTS:
                if self.on_wait:
                    self.on_wait(f"{self.name}: {problem}; retrying in {wait:.0f}s")
                self.sleep(wait)
        raise MarketSourceFailed(
            f"{self.name} failed {ATTEMPTS} times for /{path} ({problem}); "
            "nothing was stored. Try again later"
        )

    def _fetch(self, path: str, params: Mapping[str, Any]) -> Answer:
        """One request, within `total_s` and `max_bytes`, or MarketSourceFailed."""
        outcome: list[Answer | BaseException] = []
        worker = threading.Thread(
            target=self._read, args=(path, params, outcome), name=f"{self.name} GET", daemon=True
        )
        worker.start()
        worker.join(self.limits.total_s)
        if worker.is_alive():
            # The worker is abandoned: closing its client closes the connection under it.
            client, self.client = self.client, self._new_client()
            client.close()
            raise self._failed(
                path,
                f"did not finish answering within {self.limits.total_s:g} s (cut; a server sending "
                "a trickle is treated as down); try again later",
            )
        result = outcome[0]
        if isinstance(result, TooLarge):
            raise self._failed(
                path,
                f"sent an answer larger than {_size(self.limits.max_bytes)} (refused, unread "
                "past that); check the source URL in the config",
            )
        if isinstance(result, BaseException):
            raise result
        return result

    def _read(
        self, path: str, params: Mapping[str, Any], outcome: list[Answer | BaseException]
    ) -> None:
        try:
            with self.client.stream("GET", path, params=dict(params)) as response:
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > self.limits.max_bytes:
                    raise TooLarge
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.limits.max_bytes:
                        raise TooLarge
                    chunks.append(chunk)
                outcome.append(
                    Answer(
                        response.status_code, response.headers.get("Retry-After"), b"".join(chunks)
                    )
                )
        except BaseException as exc:  # handed to the caller's thread, raised there
            outcome.append(exc)


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:g} MB" if count >= 1024 * 1024 else f"{count:,} bytes"
