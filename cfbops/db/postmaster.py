"""A data directory's postmaster, as its postmaster.pid describes it, verified against the
process table so a stale file (its pid reused by another process) is never trusted."""

from __future__ import annotations

import contextlib
import os
import socket
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Postmaster:
    """The running postmaster of a data directory, as its postmaster.pid describes it."""

    pid: int
    port: int
    ready: bool


def read_postmaster(data_dir: Path) -> Postmaster | None:
    """The live postmaster of `data_dir`, or None (no pid file, or a stale one)."""
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return None
    if pid <= 0 or pid == os.getpid() or not is_postmaster_of(pid, data_dir):
        return None
    try:
        port = int(lines[3])
    except (ValueError, IndexError):
        port = 0
    ready = len(lines) >= 8 and lines[7].strip() == "ready"
    return Postmaster(pid, port, ready)


def is_postmaster_of(pid: int, data_dir: Path) -> bool:
    """Whether `pid` is alive and runs in `data_dir` (the postmaster chdirs into it)."""
    proc = Path(f"/proc/{pid}")
    if not Path("/proc/self").exists():
        return pid_alive(pid)  # no /proc to ask: trust a live pid
    try:
        return Path(os.readlink(proc / "cwd")) == data_dir.resolve()
    except FileNotFoundError:
        return False  # gone, or a zombie
    except PermissionError:
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        return os.fsencode(str(data_dir)) in argv and Path(os.fsdecode(argv[0])).name == "postgres"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap(pid: int) -> None:
    """Collect the exit status of a postmaster this process started, so it leaves no zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def port_is_free(port: int) -> bool:
    """Whether a server could listen on `port` now. With SO_REUSEADDR, as PostgreSQL binds its
    own socket: a port whose last connections linger in TIME-WAIT (the server just stopped)
    is free to it, so a restart keeps its port and its clients' URLs."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
