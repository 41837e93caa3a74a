"""As root: one service user however many processes start at once, and no silent chmod of
/root or /, and the useradd race. These only mean something as root."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cfbops.db.embedded import EmbeddedServer
from tests.conftest import REPO, cli_env, run_cli

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="root-only behaviour")

WORKERS = 6

# Each worker waits for the go file, so all of them look for the user at the same moment.
RACE_PROBE = """
import os, sys, time
from cfbops.db.service_user import service_user
go = sys.argv[2]
deadline = time.monotonic() + 90
while not os.path.exists(go):
    if time.monotonic() > deadline:
        sys.exit("no go signal")
    time.sleep(0.001)
print(service_user(sys.argv[1]))
"""


@pytest.fixture
def throwaway_user() -> Iterator[str]:
    name = f"cfbops-t{uuid.uuid4().hex[:8]}"
    yield name
    subprocess.run(["userdel", name], capture_output=True, check=False)


def test_concurrent_processes_all_get_the_one_service_user(
    throwaway_user: str, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", RACE_PROBE, throwaway_user, str(go)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    go.touch()
    outputs = [worker.communicate(timeout=120) for worker in workers]

    assert [w.returncode for w in workers] == [0] * WORKERS, [err for _, err in outputs]
    assert {out.strip() for out, _ in outputs} == {throwaway_user}
    assert pwd.getpwnam(throwaway_user).pw_name == throwaway_user


def test_a_home_under_root_s_home_is_refused_and_not_created() -> None:
    root_home = Path(pwd.getpwuid(0).pw_dir)
    if root_home.stat().st_mode & 0o001:
        pytest.skip(f"{root_home} is already open to other users on this machine")
    mode_before = root_home.stat().st_mode
    home = root_home / f"cfbops-test-{uuid.uuid4().hex[:8]}"

    result = run_cli("--home", str(home), "--headless", "status")

    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"will not open {root_home}" in result.stderr and "--home" in result.stderr
    assert not home.exists()
    assert root_home.stat().st_mode == mode_before


def test_opening_directories_is_announced_once(scratch_dir: Path) -> None:
    closed = scratch_dir / "closed"
    closed.mkdir(mode=0o700)
    home = closed / "home"
    env = cli_env(CFBOPS_HOME=str(home))
    try:
        first = run_cli("--headless", "status", env=env)
        second = run_cli("--headless", "status", env=env)
    finally:
        EmbeddedServer(home).stop()

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "o+x" in first.stderr and str(closed) in first.stderr
    assert "running as root" not in second.stderr


def test_root_s_default_home_is_a_system_location(tmp_path: Path) -> None:
    from cfbops.config import load_settings

    settings = load_settings(env={}, cwd=tmp_path)
    assert not settings.home.is_relative_to(Path(pwd.getpwuid(0).pw_dir))
