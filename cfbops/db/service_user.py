"""Running as root: the system user the embedded PostgreSQL runs as, and the paths it must reach.

postgres refuses to run as root, so as root cfbops runs it as a system user it creates once.
That user must be able to walk down to the home and the binaries; cfbops opens ordinary
directories on the way (o+x) and says so once, but refuses to open `/`, top-level system
directories or anyone's home directory (like `/root`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pwd
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from cfbops.errors import ConfigError, DatabaseUnreachable

SERVICE_USER = "cfbops-pg"
# Root-only, so no other user can hold up (or spoof) the creation of the service user.
USER_LOCK_FILE = Path("/run/cfbops-useradd.lock")
# useradd's documented exit code for "username already in use".
USERADD_NAME_IN_USE = 9
NOTICE_FILE = ".root-notice"


def running_as_root() -> bool:
    return os.geteuid() == 0


def service_user(name: str = SERVICE_USER) -> str | None:
    """The user to run PostgreSQL as: None unless root; created (once, race-free) if missing."""
    if not running_as_root():
        return None
    if _user_exists(name):
        return name
    # Two processes (pytest-xdist workers, parallel cron jobs) may both find no user:
    # serialise creation, re-check under the lock, and accept "already exists".
    with _user_lock():
        if not _user_exists(name):
            _useradd(name)
    if not _user_exists(name):
        raise DatabaseUnreachable(
            f"embedded PostgreSQL: system user {name!r} could not be created "
            "(useradd reported success but the user does not exist)"
        )
    return name


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@contextlib.contextmanager
def _user_lock() -> Iterator[None]:
    USER_LOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(USER_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _useradd(name: str) -> None:
    command = [
        "useradd",
        "--system",
        "--user-group",
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
        name,
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise DatabaseUnreachable(
            f"embedded PostgreSQL: running as root needs the system user {name!r}, and "
            "useradd is not installed; create the user, or run cfbops as an ordinary user"
        ) from None
    if result.returncode not in (0, USERADD_NAME_IN_USE):
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise DatabaseUnreachable(
            f"embedded PostgreSQL: useradd {name} failed: "
            f"{detail[-1] if detail else f'exit code {result.returncode}'}"
        )


def closed_directories(path: Path) -> list[Path]:
    """`path` and its ancestors that other users cannot enter (no o+x), top first."""
    closed = []
    for directory in [path, *path.parents]:
        if directory.stat().st_mode & 0o001 == 0:
            closed.append(directory)
    return list(reversed(closed))


def refuse_protected(closed: list[Path], what: str, subject: Path) -> None:
    """Refuse to open `/`, a top-level directory or a user's home directory to others."""
    homes = {Path(entry.pw_dir) for entry in pwd.getpwall() if entry.pw_dir not in ("", "/")}
    for directory in closed:
        if directory == Path("/") or directory.parent == Path("/") or directory in homes:
            raise ConfigError(
                f"running as root, the embedded PostgreSQL runs as the system user "
                f"{SERVICE_USER!r}, which cannot enter {directory} (mode "
                f"{directory.stat().st_mode & 0o777:o}) on the way to the {what} {subject}; "
                f"cfbops will not open {directory} to other users. Use a home outside it, "
                f"e.g. --home /var/lib/cfbops (or CFBOPS_HOME), or run cfbops as an ordinary user"
            )


def open_for_service_user(home: Path, bin_dir: Path) -> None:
    """Let the service user reach the home and the binaries; tell the person once per home."""
    closed_home = closed_directories(home)
    closed_bin = closed_directories(bin_dir)
    refuse_protected(closed_home, "home", home)
    refuse_protected(closed_bin, "PostgreSQL binaries in", bin_dir)
    opened = []
    for directory in dict.fromkeys(closed_home + closed_bin):
        directory.chmod(directory.stat().st_mode | 0o001)
        opened.append(directory)
    _notice_once(home, opened)


def _notice_once(home: Path, opened: list[Path]) -> None:
    marker = home / NOTICE_FILE
    if marker.exists() and not opened:
        return
    text = (
        f"cfbops: running as root: the embedded PostgreSQL runs as the system user "
        f"{SERVICE_USER!r} (created by cfbops if missing)"
    )
    if opened:
        text += "; to let it reach its files, cfbops made these directories enterable by "
        text += "other users (o+x): " + ", ".join(str(d) for d in opened)
    text += " (see docs/configuration.md, 'Running as root')"
    print(text, file=sys.stderr, flush=True)
    marker.write_text(text + "\n")
