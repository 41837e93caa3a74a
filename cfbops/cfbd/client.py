"""An httpx client for CFBD that tells its answers apart: stop, wait, retry or skip."""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx

from cfbops.cfbd.errors import ItemFailed, KeyRejected, QuotaSpent, RateLimited
from cfbops.config import Settings
from cfbops.errors import UsageError

QUOTA_MESSAGE = "monthly call quota exceeded"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long to wait and how often to try; tests shrink the waits."""

    timeout_s: float = 30.0
    max_attempts: int = 4
    backoff_base_s: float = 1.0
    retry_after_default_s: float = 60.0
    retry_after_cap_s: float = 120.0
    breaker_threshold: int = 10


@dataclass(frozen=True, slots=True)
class CallEnd:
    """How one attempt ended, as the ledger stores it."""

    status: int | None
    outcome: str
    rows: int | None
    duration_ms: int
    metered: bool
    error: str | None = None
    remaining: int | None = None


class CallRecorder(Protocol):
    """Books each attempt: `begin` before the request (taking a call from the budget, or
    raising BudgetExhausted), `end` after it."""

    def begin(self, endpoint: str, params: Mapping[str, Any], *, metered: bool) -> int | None: ...

    def end(self, call_id: int | None, ended: CallEnd) -> None: ...


class CircuitBreaker:
    """Shared by every worker: a burst 429 pauses them all; too many in a row stops the run."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._consecutive = 0

    def wait(self) -> None:
        while True:
            with self._lock:
                delay = self._open_until - time.monotonic()
            if delay <= 0:
                return
            time.sleep(delay)

    def trip(self, delay_s: float) -> None:
        with self._lock:
            self._consecutive += 1
            if self._consecutive >= self.threshold:
                raise RateLimited(
                    f"CFBD answered 429 (rate limited) {self._consecutive} times in a row; "
                    "stopped — run the same command again later, it resumes where it stopped"
                )
            self._open_until = max(self._open_until, time.monotonic() + delay_s)

    def succeeded(self) -> None:
        with self._lock:
            self._consecutive = 0


class CfbdClient:
    """One keep-alive connection pool for a run; `get` returns parsed JSON or raises."""

    def __init__(
        self, settings: Settings, *, concurrency: int = 1, policy: RetryPolicy | None = None
    ) -> None:
        if not settings.cfbd_api_key:
            raise UsageError(
                "no CFBD API key: set CFBD_API_KEY (or cfbd_api_key in the config file)"
            )
        self.policy = policy or RetryPolicy()
        self.breaker = CircuitBreaker(self.policy.breaker_threshold)
        self._http = httpx.Client(
            base_url=settings.cfbd_url,
            headers={
                "Authorization": f"Bearer {settings.cfbd_api_key}",
                "Accept": "application/json",
            },
            timeout=self.policy.timeout_s,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CfbdClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def info(self, recorder: CallRecorder) -> dict[str, Any]:
        """`/info`: the key's tier, limit and remaining calls (not metered)."""
        body = self.get("/info", {}, recorder, metered=False)
        if not isinstance(body, dict):
            raise ItemFailed("/info did not answer with an object")
        return body

    def get(
        self,
        endpoint: str,
        params: Mapping[str, Any],
        recorder: CallRecorder,
        *,
        metered: bool = True,
    ) -> Any:
        failures = 0
        while True:
            self.breaker.wait()
            call_id = recorder.begin(endpoint, params, metered=metered)
            started = time.monotonic()
            try:
                response = self._http.get(endpoint, params=dict(params))
            except httpx.TransportError as error:
                # The request may have reached the API: count it, as the API may have.
                kind = "timeout" if isinstance(error, httpx.TimeoutException) else "network"
                recorder.end(call_id, CallEnd(None, kind, None, _ms(started), metered, kind))
                failures += 1
                self._retry_or_fail(failures, f"{kind} error on {endpoint}")
                continue
            body, ended = self._classify(response, started, metered)
            recorder.end(call_id, ended)
            if ended.outcome == "ok":
                self.breaker.succeeded()
                return body
            if self._react(response, ended, endpoint):
                failures += 1
                self._retry_or_fail(failures, f"{response.status_code} from {endpoint}")

    def _classify(
        self, response: httpx.Response, started: float, metered: bool
    ) -> tuple[Any, CallEnd]:
        status = response.status_code
        remaining = _int_or_none(response.headers.get("X-CallLimit-Remaining"))
        ms = _ms(started)
        if 200 <= status < 300:
            try:
                body = response.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                ended = CallEnd(status, "malformed", None, ms, metered, "malformed JSON", remaining)
                return None, ended
            rows = len(body) if isinstance(body, list) else None
            return body, CallEnd(status, "ok", rows, ms, metered, None, remaining)
        # The API refunds every non-2xx answer.
        error = _message(response)
        return None, CallEnd(status, f"http {status}", None, ms, False, error, remaining)

    def _react(self, response: httpx.Response, ended: CallEnd, endpoint: str) -> bool:
        """Raise, or say whether this answer is a failure worth another attempt."""
        status = response.status_code
        if ended.outcome == "malformed":
            raise ItemFailed(f"{endpoint} answered with malformed JSON")
        if status == 401:
            raise KeyRejected(
                "CFBD rejected the API key (401: wrong key, or its tier does not cover "
                f"{endpoint}); check CFBD_API_KEY"
            )
        if status == 429:
            if ended.remaining == 0 or QUOTA_MESSAGE in (ended.error or "").lower():
                raise QuotaSpent(
                    "the CFBD monthly call quota is spent (429); it resets at 00:00 UTC on the 1st"
                )
            self.breaker.trip(self._retry_after(response))
            return False
        if status == 400:
            raise ItemFailed(f"400 from {endpoint}: {ended.error or 'bad request'}")
        if status >= 500:
            return True
        raise ItemFailed(f"{status} from {endpoint}: {ended.error or 'unexpected answer'}")

    def _retry_or_fail(self, failures: int, what: str) -> None:
        if failures >= self.policy.max_attempts:
            raise ItemFailed(f"{what} ({failures} attempts)")
        # Full jitter, so workers that failed together do not retry together.
        time.sleep(random.uniform(0, self.policy.backoff_base_s * 2 ** (failures - 1)))

    def _retry_after(self, response: httpx.Response) -> float:
        value = response.headers.get("Retry-After")
        seconds = self.policy.retry_after_default_s
        if value:
            if value.strip().isdigit():
                seconds = float(value.strip())
            else:
                with contextlib.suppress(TypeError, ValueError):
                    seconds = parsedate_to_datetime(value).timestamp() - time.time()
        return max(0.0, min(seconds, self.policy.retry_after_cap_s))


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text[:200]
    if isinstance(body, dict):
        parts = [str(body.get(k)) for k in ("message", "details") if body.get(k)]
        return "; ".join(parts)[:500]
    return str(body)[:200]


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
