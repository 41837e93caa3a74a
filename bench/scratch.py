"""A database for a benchmark: the one given, or a scratch embedded server in a temp dir."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cfbops.db.embedded import EmbeddedServer


@contextmanager
def scratch_database(url: str | None) -> Iterator[str]:
    """Yield `url`, or the URL of a fresh embedded server that is stopped afterwards."""
    if url:
        yield url
        return
    server = EmbeddedServer(Path(tempfile.mkdtemp(prefix="cfbops-bench-")))
    try:
        yield server.ensure_running().url()
    finally:
        server.stop()
