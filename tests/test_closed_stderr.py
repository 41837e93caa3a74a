"""With stderr closed by the shell (`2>&-`), progress and errors are silenced, never
written to stdout (issue 26 §7)."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, DatabaseUnderTest, cli_env


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`cfbops` as a shell runs it, so that `2>&-` really closes descriptor 2."""
    cfbops = f"{shlex.quote(sys.executable)} -m cfbops"
    return subprocess.run(
        ["sh", "-c", command.replace("cfbops", cfbops, 1)],
        capture_output=True,
        text=True,
        env=cli_env(PYTHONPATH=str(REPO)),
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_refresh_json_with_stderr_closed_writes_only_the_document(
    migrated_db: DatabaseUnderTest, tmp_path: Path
) -> None:
    url = shlex.quote(migrated_db.url)
    done = shell(f"cfbops --database-url {url} --headless refresh --json 2>&- > out.json", tmp_path)

    assert done.returncode == 0
    document = json.loads((tmp_path / "out.json").read_text())
    assert document["ok"] is True and document["views"]


def test_an_error_with_stderr_closed_leaves_stdout_to_the_json_document(tmp_path: Path) -> None:
    done = shell(
        "cfbops --database-url postgresql://u@127.0.0.1:1/db --headless status --json 2>&-",
        tmp_path,
    )

    assert done.returncode == 3
    assert json.loads(done.stdout)["error"]["exit_code"] == 3


def test_refresh_into_head_with_stderr_closed_is_not_recorded_as_interrupted(
    migrated_db: DatabaseUnderTest, tmp_path: Path
) -> None:
    url = shlex.quote(migrated_db.url)
    done = shell(f"cfbops --database-url {url} --headless refresh 2>&- | head -1", tmp_path)

    assert done.returncode == 0
    with migrated_db.connect() as conn:
        statuses = conn.execute("SELECT status FROM ops.refresh_run").fetchall()
    assert statuses == [("succeeded",)]
