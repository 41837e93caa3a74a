"""How long the CFBD client waits and when it gives up: every wait has a ceiling, and every
wait ends at once when the run is stopped (Ctrl-C, SIGTERM, a closing console)."""

from __future__ import annotations

import contextlib
import math
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from cfbops.cfbd.errors import ApiFailing, ApiUnreachable, RateLimitBlocked, Stopped

# A Retry-After further off than this is not a wait anyone means: the client's own backoff.
ABSURD_RETRY_AFTER_S = 86_400.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """The ceilings of every wait (`backfill --help` states them); tests shrink them."""

    timeout_s: float = 30.0  # to connect, and between two reads of an answer
    request_s: float = 60.0  # one request in all, its answer included
    max_answer_bytes: int = 64 * 1024 * 1024
    max_attempts: int = 3  # tries of one request after 5xx or network failures
    backoff_base_s: float = 0.5  # jittered, doubling after each failure of a request
    backoff_cap_s: float = 8.0
    retry_after_default_s: float = 60.0  # a 429 without a usable Retry-After (doubling)
    retry_after_cap_s: float = 900.0  # one pause: CFBD's CDN blocks for about 10 minutes
    max_pause_s: float = 1800.0  # all of a run's pauses together; then it stops (exit 5)
    failures_per_worker: int = 3  # failures in a row, times the workers, stop the run


def retry_after_s(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds, from `120` or an HTTP date; None when missing or unusable
    (negative, past, absurd, unreadable), for the caller's own backoff to decide."""
    if value is None:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)  # RFC 9110 dates are GMT
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds) or seconds <= 0 or seconds > ABSURD_RETRY_AFTER_S:
        return None
    return seconds


def backoff_s(policy: RetryPolicy, failures: int) -> float:
    """Full jitter, so workers that failed together do not retry together."""
    ceiling = min(policy.backoff_cap_s, policy.backoff_base_s * 2 ** max(failures - 1, 0))
    return random.uniform(0, ceiling)


def sleep_unless_stopped(stopping: threading.Event, seconds: float) -> None:
    if stopping.wait(max(seconds, 0.0)):
        raise Stopped


class FailureStreak:
    """Failed attempts in a row across a run's workers. The run stops after `limit` of them,
    or after `costly_limit` that may have been metered (a timeout or a reset after sending),
    so an outage never drains the budget. While the streak holds a costly failure, attempts
    go out one at a time: at most `costly_limit` such calls are ever spent in a streak."""

    def __init__(self, limit: int, costly_limit: int, stopping: threading.Event) -> None:
        self.limit = limit
        self.costly_limit = costly_limit
        self.stopping = stopping
        self._lock = threading.Lock()
        self._probe = threading.Lock()
        self.failures = 0
        self.costly = 0
        self.tripped: Exception | None = None

    @contextlib.contextmanager
    def attempt(self) -> Iterator[None]:
        """Around one attempt: refuses once the streak has stopped the run, and waits for
        its turn while a costly failure is unexplained."""
        probing = False
        while True:
            with self._lock:
                if self.tripped is not None:
                    raise self.tripped
                if not self.costly:
                    break
            if self._probe.acquire(timeout=0.1):
                probing = True
                break
            if self.stopping.is_set():
                raise Stopped
        try:
            yield
        finally:
            if probing:
                self._probe.release()

    def succeeded(self) -> None:
        with self._lock:
            self.failures = self.costly = 0

    def failed(self, kind: str, what: str, *, costly: bool) -> None:
        """Count one failed attempt (`kind`: network, timeout, 5xx or malformed); raises
        the run's stop when the streak is long enough."""
        with self._lock:
            if self.tripped is not None:
                raise self.tripped
            self.failures += 1
            self.costly += costly
            if self.failures < self.limit and self.costly < self.costly_limit:
                return
            self.tripped = _stop_for(kind, what, self.failures)
            raise self.tripped


def _stop_for(kind: str, what: str, failures: int) -> Exception:
    tail = "stopped; run the same command later: it resumes where it stopped"
    if kind == "malformed":
        return ApiFailing(f"CFBD gave {failures} unusable answers in a row (last: {what}); {tail}")
    reason = "is failing" if kind == "5xx" else "is unreachable"
    return ApiUnreachable(
        f"CFBD {reason}: {failures} requests in a row failed (last: {what}); {tail}"
    )


class PauseGate:
    """Every attempt passes the gate. A burst 429 from CFBD's CDN closes it for its
    Retry-After, pausing every worker with a countdown; the run's pauses together never
    pass `policy.max_pause_s`: past that the run stops (exit 5) saying when to retry."""

    COUNTDOWN_EVERY_S = 10.0

    def __init__(
        self,
        policy: RetryPolicy,
        stopping: threading.Event,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.policy = policy
        self.stopping = stopping
        self.on_wait = on_wait
        self._lock = threading.Lock()
        self._reporter = threading.Lock()
        self._open_at = 0.0
        self.paused_s = 0.0
        self._blocks_in_a_row = 0
        self.tripped: RateLimitBlocked | None = None

    def wait(self) -> None:
        """Return when the gate is open; raise when the run stops or the pauses ran out."""
        reporting = False
        try:
            while True:
                with self._lock:
                    if self.tripped is not None:
                        raise self.tripped
                    left = self._open_at - time.monotonic()
                if self.stopping.is_set():
                    raise Stopped
                if left <= 0:
                    return
                if not reporting:
                    reporting = self._reporter.acquire(blocking=False)
                if reporting and self.on_wait is not None:
                    self.on_wait(_countdown(left))
                sleep_unless_stopped(self.stopping, min(left, self.COUNTDOWN_EVERY_S))
        finally:
            if reporting:
                self._reporter.release()

    def block(self, retry_after: str | None, endpoint: str) -> None:
        """A burst 429: close the gate for its Retry-After (or the client's own doubling
        backoff when it gives none it can use), capped; raise when the run's pauses would
        pass their ceiling."""
        with self._lock:
            self._blocks_in_a_row += 1
            seconds = retry_after_s(retry_after)
            if seconds is None:
                seconds = self.policy.retry_after_default_s * 2 ** (self._blocks_in_a_row - 1)
            seconds = min(seconds, self.policy.retry_after_cap_s)
            now = time.monotonic()
            extra = max(now + seconds - max(self._open_at, now), 0.0)
            if self.paused_s + extra > self.policy.max_pause_s:
                retry_at = datetime.now(UTC) + timedelta(seconds=seconds)
                self.tripped = RateLimitBlocked(
                    f"CFBD's CDN keeps refusing requests (429 on {endpoint}, a burst block, "
                    f"not the quota) after {_clock(self.paused_s)} of pauses, the most a run "
                    f"waits (--max-wait); try again after {retry_at:%Y-%m-%d %H:%M} UTC: "
                    "the same command resumes where it stopped"
                )
                raise self.tripped
            self.paused_s += extra
            self._open_at = max(self._open_at, now + seconds)

    def succeeded(self) -> None:
        with self._lock:
            self._blocks_in_a_row = 0


def _countdown(left_s: float) -> str:
    resume = datetime.now(UTC) + timedelta(seconds=left_s)
    return (
        f"rate limited by CFBD's CDN (429): every worker paused, resuming in "
        f"{_clock(left_s)} (at {resume:%H:%M:%S} UTC)"
    )


def _clock(seconds: float) -> str:
    whole = math.ceil(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
