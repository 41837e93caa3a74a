"""GET JSON from a market source: retries on 429 (honouring Retry-After), 5xx and network
errors; anything still failing after that fails the whole sync with one line."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from cfbops.errors import OperationFailed

ATTEMPTS = 4
# Kalshi and Polymarket ask for seconds, not minutes; a longer wait means something else.
MAX_RETRY_AFTER_S = 30.0
TIMEOUT_S = 20.0


class MarketSourceFailed(OperationFailed):
    """A market source could not be read; nothing was stored."""


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
    return min(max(wait, 0.0), MAX_RETRY_AFTER_S)


class JsonSource:
    """One source's base URL and HTTP client; `get` returns decoded JSON."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.name = name
        self.client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            timeout=TIMEOUT_S,
            headers={"Accept": "application/json", "User-Agent": "cfbops"},
        )
        self.sleep = sleep
        self.on_wait = on_wait
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> JsonSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, path: str, params: Mapping[str, Any]) -> Any:
        problem = ""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                response = self.client.get(path.lstrip("/"), params=dict(params))
                self.requests += 1
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}".rstrip(": ")
                wait = float(attempt)
            else:
                if response.status_code == 429:
                    problem = "rate limited (429)"
                    wait = retry_after_seconds(response.headers.get("Retry-After"), 5.0)
                elif response.status_code >= 500:
                    problem = f"HTTP {response.status_code}"
                    wait = float(attempt)
                elif response.status_code >= 400:
                    raise MarketSourceFailed(
                        f"{self.name} answered HTTP {response.status_code} for /{path.lstrip('/')}"
                        "; nothing was stored. Check the source URL in the config"
                    )
                else:
                    try:
                        return response.json()
                    except ValueError:
                        raise MarketSourceFailed(
                            f"{self.name} sent a response that is not JSON for "
                            f"/{path.lstrip('/')}; nothing was stored"
                        ) from None
            if attempt < ATTEMPTS:
                if self.on_wait:
                    self.on_wait(f"{self.name}: {problem}; retrying in {wait:.0f}s")
                self.sleep(wait)
        raise MarketSourceFailed(
            f"{self.name} failed {ATTEMPTS} times for /{path.lstrip('/')} ({problem}); "
            "nothing was stored. Try again later"
        )
