"""How a CFBD request can end badly, each mapped to what the run does next."""

from __future__ import annotations

from cfbops.errors import BudgetExhausted, CfbopsError, ExitCode, UsageError


class KeyRejected(UsageError):
    """401: the key is missing, wrong, or its tier does not cover the endpoint. Stop."""


class QuotaSpent(BudgetExhausted):
    """429 with the month's quota spent: stop the run (exit 5)."""


class RateLimited(CfbopsError):
    """The burst limiter kept answering 429 past the circuit breaker's threshold."""

    exit_code = ExitCode.FAILED


class ItemFailed(Exception):
    """This item cannot be loaded (400, malformed body, retries used up); the run goes on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
