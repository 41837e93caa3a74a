"""What each repeatable file creates and reads, remembered across runs in the cfbops home.

Working that out parses the file with pglast: most of the console's first poll (about 0.3 s
on the project's repeatables) went there, on every start, for files that had not changed.
Entries are keyed by the file's checksum (SHA-256 of its bytes), so an edited file is simply
a miss and is parsed again; a stale entry cannot be served."""

from __future__ import annotations

import contextlib
import json
import os
from functools import cached_property
from pathlib import Path

from cfbops.migrate.files import MigrationFile
from cfbops.migrate.repeatables import FileObjects, parsed_objects

CACHE_NAME = "repeatable-objects.json"
# Bump when FileObjects or the parse changes meaning: an older file is then ignored.
FORMAT = 1


class ObjectCache:
    """An ObjectsOf that parses each distinct file content once per home. Not thread-safe:
    one owner (the console's polling source)."""

    def __init__(self, home: Path) -> None:
        self.path = home / "cache" / CACHE_NAME
        self._used: dict[str, FileObjects] = {}
        self._dirty = False

    def __call__(self, file: MigrationFile) -> FileObjects:
        key = file.checksum
        found = self._used.get(key) or self._known.get(key)
        if found is None:
            found = parsed_objects(file)
            self._dirty = True
        self._used[key] = found
        return found

    def save(self) -> None:
        """Write the entries this process used (so files no longer on disk drop out).
        A home that cannot be written costs only the next start's parse."""
        if not self._dirty:
            return
        body = {
            "format": FORMAT,
            "files": {
                key: {"defined": sorted(o.defined), "referenced": sorted(o.referenced)}
                for key, o in self._used.items()
            },
        }
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(body), encoding="utf-8")
            os.replace(partial, self.path)  # readers never see half a file
            self._dirty = False
        self._known = dict(self._used)

    # Read on first use: the console builds its cache on the UI thread, and only its polls,
    # in their worker thread, should touch the disk.
    @cached_property
    def _known(self) -> dict[str, FileObjects]:
        try:
            body = json.loads(self.path.read_text(encoding="utf-8"))
            if body.get("format") != FORMAT:
                return {}
            return {
                key: FileObjects(frozenset(entry["defined"]), frozenset(entry["referenced"]))
                for key, entry in body["files"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}  # missing or unreadable: parse as if it were not there
