"""How a CFBD request can end badly, each mapped to what the run does next."""

from __future__ import annotations

from cfbops.errors import BudgetExhausted, CfbopsError, ExitCode, UsageError


class KeyRejected(UsageError):
    """401/403: the key is missing, wrong, or its tier does not cover the endpoint. Stop."""


class QuotaSpent(BudgetExhausted):
    """429 with the month's quota spent: stop the run (exit 5)."""


class RateLimitBlocked(BudgetExhausted):
    """CFBD's CDN kept refusing requests (burst 429s) past the run's longest pause: stop the
    run (exit 5), saying when to try again."""


class ApiUnreachable(CfbopsError):
    """A run of requests in a row failed on the network or with 5xx: stop the run (exit 3)."""

    exit_code = ExitCode.UNREACHABLE


class ApiFailing(CfbopsError):
    """A run of answers in a row could not be used (malformed, unreadable rows): stop the run
    (exit 1), before it spends the month on them."""

    exit_code = ExitCode.FAILED


class Stopped(Exception):
    """The run is stopping (Ctrl-C, SIGTERM, a closing console): leave the wait at once."""


class ItemFailed(Exception):
    """This item cannot be loaded (400, malformed body, retries used up); the run goes on.

    `retryable`: a later run may ask again (not after a 400). `transient`: the failure was
    the network's or the API's (5xx), not the item's: if the run then stops because the API
    is unreachable, the item goes back to pending rather than staying failed."""

    def __init__(self, reason: str, *, retryable: bool = True, transient: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.transient = transient
