"""Only cfbops/cfbd/ (and cfbops/nfl/) talk HTTP: everything else goes through them."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "cfbops"
ALLOWED = {PACKAGE / "cfbd", PACKAGE / "nfl"}


def test_only_the_api_packages_import_httpx() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if any(parent in ALLOWED for parent in path.parents):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "httpx" for name in names):
                offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []
