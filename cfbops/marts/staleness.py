"""Is a mart stale? Compare its inputs' change counters with those taken at its last refresh.

PostgreSQL's table statistics are per server, reach readers up to a second after the
writing transaction ends, and can be reset. So the counters are read *before* each refresh:
anything they count had already committed and is in the refreshed data; a change that had
not reached them yet shows up as a difference next time (a refresh too many, never one too
few). Counters that go down (a reset) also count as a difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import psycopg

from cfbops.queries import package_sql


@dataclass(frozen=True, slots=True)
class InputSignature:
    """One leaf relation a mart reads, as its statistics see it at one moment."""

    oid: int
    name: str
    changes: int
    filenode: int

    def as_json(self) -> list[Any]:
        return [self.name, self.changes, self.filenode]


Signatures = Mapping[int, InputSignature]


def read_signatures(
    conn: psycopg.Connection, roots: Iterable[int]
) -> dict[int, dict[int, InputSignature]]:
    """For each root relation, the signatures of its leaf relations (itself if a leaf)."""
    roots = sorted(set(roots))
    found: dict[int, dict[int, InputSignature]] = {root: {} for root in roots}
    if not roots:
        return found
    # Drop any statistics snapshot this session holds, so the counters are current.
    conn.execute("SELECT pg_stat_clear_snapshot()")
    query = package_sql("cfbops.marts", "input_signatures")
    for root, oid, name, changes, filenode in conn.execute(query, {"oids": roots}):
        found[root][oid] = InputSignature(oid, name, int(changes), int(filenode))
    return found


def mart_signature(
    by_root: Mapping[int, Mapping[int, InputSignature]], input_oids: Iterable[int]
) -> dict[int, InputSignature]:
    """The leaf signatures of one mart's inputs."""
    merged: dict[int, InputSignature] = {}
    for root in input_oids:
        merged.update(by_root.get(root, {}))
    return merged


def signature_json(signature: Signatures) -> dict[str, list[Any]]:
    """The form kept in ops.mart_refresh.inputs."""
    return {str(oid): sig.as_json() for oid, sig in sorted(signature.items())}


def changed_inputs(stored: Mapping[str, Any] | None, current: Signatures) -> list[str] | None:
    """Names of inputs that changed since `stored`; None when nothing is stored."""
    if stored is None:
        return None
    changed: list[str] = []
    for oid, sig in current.items():
        before = stored.get(str(oid))
        if before is None or int(before[1]) != sig.changes or int(before[2]) != sig.filenode:
            changed.append(sig.name)
    current_keys = {str(oid) for oid in current}
    changed.extend(str(value[0]) for key, value in stored.items() if key not in current_keys)
    return sorted(set(changed))
