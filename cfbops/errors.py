"""One exception family; each error carries its documented exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1
    USAGE = 2
    UNREACHABLE = 3
    LOCKED = 4
    BUDGET = 5


class CfbopsError(Exception):
    """Base of every error cfbops reports to a person: one line, one exit code."""

    exit_code: ExitCode = ExitCode.FAILED


class OperationFailed(CfbopsError):
    """The operation ran but something failed (drift, lint error, failed refresh)."""

    exit_code = ExitCode.FAILED


class UsageError(CfbopsError):
    """A bad flag, argument or value."""

    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """An unreadable or invalid configuration file or setting."""


class DatabaseUnreachable(CfbopsError):
    """The database cannot be reached, or authentication failed."""

    exit_code = ExitCode.UNREACHABLE


class LockBusy(CfbopsError):
    """Another run holds the lock and the wait ran out (or --no-wait)."""

    exit_code = ExitCode.LOCKED


class BudgetExhausted(CfbopsError):
    """The API budget is spent, or the request would overrun it."""

    exit_code = ExitCode.BUDGET


class OperationCancelled(CfbopsError):
    """Someone asked the running operation to stop (the console's cancel); it stopped."""

    exit_code = ExitCode.FAILED
