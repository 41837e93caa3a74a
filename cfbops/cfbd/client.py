"""An httpx client for CFBD that tells its answers apart: stop, pause, retry or skip.

Each answer is streamed and refused past a size limit, each request bounded in time, each
failure booked as the API meters it (a request that never left costs nothing), and a run
of failures in a row stops the run instead of draining the budget."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx

from cfbops.cfbd.answers import Answer, fetch
from cfbops.cfbd.errors import ItemFailed, KeyRejected, QuotaSpent, Stopped
from cfbops.cfbd.months import MAX_SENSIBLE_CALLS, month_of, now_utc, resets_at
from cfbops.cfbd.waits import (
    FailureStreak,
    PauseGate,
    RetryPolicy,
    backoff_s,
    sleep_unless_stopped,
)
from cfbops.config import Settings
from cfbops.errors import UsageError

__all__ = ["CallEnd", "CallRecorder", "CfbdClient", "RetryPolicy"]

QUOTA_MESSAGE = "monthly call quota exceeded"


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


class CfbdClient:
    """One keep-alive connection pool for a run, shared by its workers; `get` returns parsed
    JSON or raises. `stop()` ends every wait of every worker at once."""

    def __init__(
        self,
        settings: Settings,
        *,
        concurrency: int = 1,
        policy: RetryPolicy | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        key = settings.cfbd_api_key
        if not key:
            raise UsageError(
                "no CFBD API key: set CFBD_API_KEY (or cfbd_api_key in the config file)"
            )
        if not key.isascii() or not key.isprintable() or any(c.isspace() for c in key):
            # Never echoed: it is the secret, and a header could not carry it anyway.
            raise UsageError(
                "CFBD_API_KEY holds spaces or characters an HTTP header cannot carry; "
                "copy the key again from collegefootballdata.com"
            )
        self.policy = policy or default_policy()
        self._key = key
        self.stopping = threading.Event()
        # A run of failures in a row stops the run: 3 per worker, and always more than one
        # request's own tries (so one bad item fails alone and the run goes on), or as
        # many that may have cost a call as there are workers (two for one worker, so one
        # timeout alone never stops it).
        self.streak = FailureStreak(
            limit=max(self.policy.failures_per_worker * concurrency, self.policy.max_attempts + 2),
            costly_limit=max(concurrency, 2),
            stopping=self.stopping,
        )
        self.gate = PauseGate(self.policy, self.stopping, on_wait)
        self.resets_at: str | None = None  # /info's resetAt, once asked
        self._http = httpx.Client(
            base_url=_base_url(settings.cfbd_url),
            headers={"Authorization": f"Bearer {key}", "Accept": "application/json"},
            timeout=httpx.Timeout(self.policy.timeout_s),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            follow_redirects=False,
        )

    def stop(self) -> None:
        """Wake every wait (pause, backoff, a turn after failures): each raises Stopped."""
        self.stopping.set()

    def close(self) -> None:
        self.stop()
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
        if isinstance(body.get("resetAt"), str):
            self.resets_at = body["resetAt"][:40]
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
        what = _describe(endpoint, params)
        while True:
            self.gate.wait()
            with self.streak.attempt():
                call_id = recorder.begin(endpoint, params, metered=metered)
                answer = fetch(self._http, endpoint, params, self.policy, self.stopping)
                ended = self._booked_as(answer, metered)
                recorder.end(call_id, ended)
                if answer.stopped:
                    raise Stopped
                outcome = self._judge(answer, ended, what)
            if not isinstance(outcome, _Retry):
                return outcome
            if answer.status == 429:
                continue  # the gate holds every worker for the block; not a failure
            failures += 1
            if failures >= self.policy.max_attempts:
                raise ItemFailed(f"{outcome.failure} ({failures} attempts)", transient=True)
            sleep_unless_stopped(self.stopping, backoff_s(self.policy, failures))

    def _booked_as(self, answer: Answer, metered: bool) -> CallEnd:
        """The ledger's view of the attempt: metered only when the API's rules charge it (a
        2xx, or a request that may have reached it and whose answer never came back)."""
        remaining = _remaining(answer)
        if answer.stopped:
            began = answer.status is None or 200 <= answer.status < 300
            charged = metered and answer.reached and began
            return CallEnd(
                answer.status,
                "interrupted",
                None,
                answer.duration_ms,
                charged,
                "the run stopped mid-answer",
                remaining,
            )
        if answer.status is None:
            charged = metered and answer.reached
            error = self._scrub(answer.failure or "no answer")
            return CallEnd(None, answer.kind, None, answer.duration_ms, charged, error, remaining)
        status = answer.status
        if not 200 <= status < 300:
            # The API refunds every non-2xx answer.
            error = self._scrub(_message(answer.body))
            return CallEnd(
                status, f"http {status}", None, answer.duration_ms, False, error, remaining
            )
        if answer.failure:
            error = self._scrub(answer.failure)
            return CallEnd(status, answer.kind, None, answer.duration_ms, metered, error, remaining)
        try:
            body = json.loads(answer.body)
        except (ValueError, RecursionError):  # bad JSON, bad UTF-8, a 4,301-digit number
            return CallEnd(
                status, "malformed", None, answer.duration_ms, metered, "malformed JSON", remaining
            )
        answer.parsed = body
        rows = len(body) if isinstance(body, list) else None
        return CallEnd(status, "ok", rows, answer.duration_ms, metered, None, remaining)

    def _judge(self, answer: Answer, ended: CallEnd, what: str) -> Any:
        """The parsed body, a _Retry, or raise: what the run does after this answer."""
        status = answer.status
        if status is None:
            kind = "timeout" if answer.kind == "timeout" else "network"
            return self._failed(kind, f"{ended.error} on {what}", ended)
        if 200 <= status < 300:
            if ended.outcome == "ok":
                self.streak.succeeded()
                self.gate.succeeded()
                return answer.parsed
            if ended.outcome in ("too slow", "timeout", "network"):
                kind = "network" if ended.outcome == "network" else "timeout"
                return self._failed(kind, f"{ended.error} on {what}", ended)
            self.streak.failed("malformed", f"{ended.error} from {what}", costly=ended.metered)
            raise ItemFailed(f"{what} answered {ended.error}")
        if status in (401, 403):
            raise KeyRejected(
                f"CFBD refused the API key ({status} on {what}: wrong key, or its tier does "
                "not cover this endpoint); check CFBD_API_KEY"
            )
        if status == 429:
            if ended.remaining == 0 or QUOTA_MESSAGE in (ended.error or "").lower():
                raise QuotaSpent(
                    f"the CFBD monthly quota is spent; it resets {self._reset_text()} "
                    f"(429 on {what}): run the same command then, it resumes where it stopped"
                )
            self.gate.block(answer.headers.get("Retry-After"), what)
            return _Retry("429")
        if status >= 500:
            detail = f": {ended.error}" if ended.error else ""
            return self._failed("5xx", f"{status} from {what}{detail}", ended)
        self.streak.succeeded()  # the API answered: it is reachable, this request is wrong
        detail = ended.error or ("bad request" if status == 400 else "unexpected answer")
        raise ItemFailed(f"{status} from {what}: {detail}", retryable=status != 400)

    def _failed(self, kind: str, failure: str, ended: CallEnd) -> _Retry:
        """Count a failed attempt in the run's streak (which may stop the run); retry."""
        self.streak.failed(kind, failure, costly=ended.metered)
        return _Retry(failure)

    def _reset_text(self) -> str:
        """When the quota resets: /info's resetAt when it gave a readable one, else 00:00 UTC
        on the 1st of next month (the API's rule)."""
        when = resets_at(month_of(now_utc()))
        if self.resets_at:
            with contextlib.suppress(ValueError):
                told = datetime.fromisoformat(self.resets_at.replace("Z", "+00:00"))
                when = told if told.tzinfo else told.replace(tzinfo=UTC)
        return f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC"

    def _scrub(self, text: str) -> str:
        """Text from an answer made fit for the ledger and a one-line message: never the
        key, no NUL (PostgreSQL text cannot hold it), no line breaks, valid Unicode."""
        text = text.replace(self._key, "***").replace("\x00", "\\x00")
        text = " ".join(text.split())
        return text.encode("utf-8", "backslashreplace").decode("utf-8")[:500]


@dataclass(frozen=True, slots=True)
class _Retry:
    """An attempt worth another: why this one failed."""

    failure: str


def default_policy() -> RetryPolicy:
    """The production ceilings (a function, so a test can shrink them for a whole command)."""
    return RetryPolicy()


def _base_url(url: str) -> httpx.URL:
    """The configured CFBD URL, refused up front (exit 2) when no request could use it."""
    problem = "is not an http(s) URL"
    try:
        parsed = httpx.URL(url)
        if parsed.scheme in ("http", "https") and parsed.host:
            return parsed
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        problem = f"is not a usable URL ({str(error).split(':')[0]})"
    raise UsageError(
        f"the CFBD URL (CFBOPS_CFBD_URL or cfbd_url) {problem}; "
        "e.g. https://api.collegefootballdata.com"
    )


def _describe(endpoint: str, params: Mapping[str, Any]) -> str:
    if not params:
        return endpoint
    return endpoint + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def _remaining(answer: Answer) -> int | None:
    text = answer.headers.get("X-CallLimit-Remaining") if answer.headers else None
    try:
        value = int(text) if text is not None else None
    except ValueError:
        return None
    # A figure outside what any tier holds is noise, not the API's count.
    return value if value is not None and 0 <= value <= MAX_SENSIBLE_CALLS else None


def _message(body: bytes | None) -> str:
    if not body:
        return ""
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return body[:200].decode("utf-8", "replace").replace("\n", " ").strip()
    if isinstance(parsed, dict):
        parts = [str(parsed.get(k)) for k in ("message", "details") if parsed.get(k)]
        return "; ".join(parts).replace("\n", " ")[:500]
    return str(parsed).replace("\n", " ")[:200]
