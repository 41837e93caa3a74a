"""The test harness: a real PostgreSQL server per test session, a fresh database per test.

The server is the embedded one (started under the session's temp directory), or the one at
CFBOPS_TEST_DATABASE_URL. Each test's database is copied from a template built once per
session: migrated, holding the tiny demo dataset (cfbops seed --scale tiny), marts refreshed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from cfbops.config import DatabaseSource, Settings, default_sql_dir
from cfbops.db.embedded import EmbeddedServer
from cfbops.demo.seed import seed_database
from cfbops.migrate.apply import migrate

REPO = Path(__file__).resolve().parent.parent
# Durability is not what tests measure: trade it for speed on the test server only.
TEST_SERVER_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


@dataclass(frozen=True, slots=True)
class ServerUnderTest:
    admin_url: str
    version_num: int

    def url_for(self, database: str) -> str:
        return str(psycopg.conninfo.make_conninfo(self.admin_url, dbname=database))


@dataclass(frozen=True, slots=True)
class DatabaseUnderTest:
    """A fresh database for one test, and Settings pointing cfbops at it."""

    name: str
    url: str
    home: Path

    @property
    def settings(self) -> Settings:
        return Settings(database_url=self.url, database_source=DatabaseSource.FLAG, home=self.home)

    def connect(self, **kwargs: object) -> psycopg.Connection:
        kwargs.setdefault("autocommit", True)
        return psycopg.connect(self.url, **kwargs)


def _worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@contextlib.contextmanager
def _outside_pytest_tmp() -> Iterator[Path]:
    # Every pytest session that starts (anyone's, on a shared machine) closes
    # /tmp/pytest-of-USER to 0700 again; as root, that would cut the embedded server's
    # service user off from its files mid-run. Servers' homes live outside it.
    path = Path(tempfile.mkdtemp(prefix="cfbops-test-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def scratch_dir() -> Iterator[Path]:
    """A fresh directory for a test that runs an embedded server (see _outside_pytest_tmp)."""
    with _outside_pytest_tmp() as path:
        yield path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[ServerUnderTest]:
    external = os.environ.get("CFBOPS_TEST_DATABASE_URL")
    with contextlib.ExitStack() as stack:
        embedded: EmbeddedServer | None = None
        if external:
            admin_url = external
        else:
            home = stack.enter_context(_outside_pytest_tmp())
            embedded = EmbeddedServer(home / "pg", extra_settings=TEST_SERVER_SETTINGS)
            stack.callback(embedded.stop)
            admin_url = embedded.ensure_running().url("postgres")
        with psycopg.connect(admin_url, autocommit=True) as conn:
            version_num = conn.info.server_version
        yield ServerUnderTest(admin_url, version_num)


def build_template(server: ServerUnderTest, name: str, home: Path, *, seeded: bool) -> None:
    """Create a template for test databases: the project's schema, migrated, and when
    `seeded` the tiny demo dataset with its marts refreshed. Planner statistics are left
    uncollected, as on a freshly loaded warehouse."""
    with psycopg.connect(server.admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    database = DatabaseUnderTest(name, server.url_for(name), home)
    result = migrate(database.settings, sql_dir=default_sql_dir())
    if not result.ok:
        raise RuntimeError(f"the test template does not migrate: {result.failed or result.drifted}")
    if not seeded:
        return
    seed_database(database.settings, "tiny")
    with database.connect() as conn:
        failed = conn.execute(
            "SELECT view_name, status FROM marts.refresh_all() WHERE status NOT LIKE 'OK%'"
        ).fetchall()
        # refresh_all() keeps its run in cfbops's history; tests start with none.
        conn.execute("TRUNCATE ops.refresh_run RESTART IDENTITY CASCADE")
    if failed:
        raise RuntimeError(f"the test template's marts do not refresh: {failed}")


@pytest.fixture(scope="session")
def migrated_template(pg_server: ServerUnderTest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The project's schema, migrated, with no data."""
    name = f"cfbops_migrated_{_worker_id()}"
    build_template(pg_server, name, tmp_path_factory.mktemp("template-home"), seeded=False)
    return name


@pytest.fixture(scope="session")
def template_database(pg_server: ServerUnderTest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The template `db` copies: migrated, with the tiny dataset and its marts refreshed."""
    name = f"cfbops_template_{_worker_id()}"
    build_template(pg_server, name, tmp_path_factory.mktemp("template-home"), seeded=True)
    return name


def _create_database(server: ServerUnderTest, name: str, template: str) -> None:
    # WAL_LOG (the default from 15) needs no checkpoint, which under parallel tests
    # would flush every other test's dirty buffers first.
    strategy = sql.SQL(" STRATEGY = WAL_LOG") if server.version_num >= 150000 else sql.SQL("")
    with psycopg.connect(server.admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}{}").format(
                sql.Identifier(name), sql.Identifier(template), strategy
            )
        )


def _drop_database(server: ServerUnderTest, name: str) -> None:
    with psycopg.connect(server.admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextlib.contextmanager
def _database_copy(
    server: ServerUnderTest, template: str, prefix: str, tmp_path: Path
) -> Iterator[DatabaseUnderTest]:
    name = f"cfbops_{prefix}_{uuid.uuid4().hex[:12]}"
    _create_database(server, name, template)
    try:
        yield DatabaseUnderTest(name, server.url_for(name), tmp_path / "home")
    finally:
        _drop_database(server, name)


@pytest.fixture
def db(
    pg_server: ServerUnderTest, template_database: str, tmp_path: Path
) -> Iterator[DatabaseUnderTest]:
    """A fresh database for this test, copied from the session's template."""
    with _database_copy(pg_server, template_database, "test", tmp_path) as database:
        yield database


@pytest.fixture
def migrated_db(
    pg_server: ServerUnderTest, migrated_template: str, tmp_path: Path
) -> Iterator[DatabaseUnderTest]:
    """A fresh database holding the migrated schema and no data."""
    with _database_copy(pg_server, migrated_template, "schema", tmp_path) as database:
        yield database


@pytest.fixture
def db_conn(db: DatabaseUnderTest) -> Iterator[psycopg.Connection]:
    """An autocommit connection to this test's fresh, migrated database."""
    with db.connect() as conn:
        yield conn


@pytest.fixture
def empty_db(pg_server: ServerUnderTest, tmp_path: Path) -> Iterator[DatabaseUnderTest]:
    """A fresh database with nothing in it (copied from template0)."""
    with _database_copy(pg_server, "template0", "empty", tmp_path) as database:
        yield database


def cli_env(**overrides: str) -> dict[str, str]:
    """The environment for a `cfbops` subprocess, stripped of any database configuration."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PG", "CFBOPS_", "DATABASE_URL", "CFBD_"))
    }
    env.update(overrides)
    return env


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    """Run `python -m cfbops ARGS` in a subprocess; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "cfbops", *args],
        capture_output=True,
        text=True,
        env=env if env is not None else cli_env(),
        timeout=timeout,
        cwd=REPO,
        check=False,
    )


def ui_modules_after(*argv: str) -> tuple[int, list[str]]:
    """Run `cfbops ARGV` in a fresh interpreter; its exit code and the UI libraries it imported."""
    probe = (
        "import sys\n"
        "from cfbops.cli import main\n"
        f"code = main({list(argv)!r})\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich'})\n"
        "sys.stderr.write('UI-MODULES:' + ','.join(loaded) + '\\n')\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=REPO,
        timeout=60,
        check=False,
    )
    marker = result.stderr.rsplit("UI-MODULES:", 1)[-1].strip()
    return result.returncode, [name for name in marker.split(",") if name]
