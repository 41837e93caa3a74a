"""Order repeatable files by what they create and read, and find what a change drags along."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cfbops.errors import UsageError
from cfbops.migrate.files import MigrationFile


@dataclass(frozen=True, slots=True)
class FileObjects:
    """What one file creates and what it reads or calls (schema-qualified names)."""

    defined: frozenset[str]
    referenced: frozenset[str]


# A file's objects: parsed here, or remembered from an earlier parse (object_cache.py).
ObjectsOf = Callable[[MigrationFile], FileObjects]


def parsed_objects(file: MigrationFile) -> FileObjects:
    # Imported here, not above: parsing brings pglast, a tenth of the console's start-up
    # budget, and the console's polls read these names from the cache (object_cache.py).
    from cfbops.migrate.object_names import defined_objects, referenced_objects

    return FileObjects(frozenset(defined_objects(file)), frozenset(referenced_objects(file)))


def _edges(files: list[MigrationFile], objects: ObjectsOf) -> dict[str, set[str]]:
    """For each repeatable, the repeatables it reads from (by file key)."""
    found = {file.key: objects(file) for file in files}
    owner: dict[str, str] = {}
    for file in files:
        for name in found[file.key].defined:
            owner[name] = file.key
    edges: dict[str, set[str]] = {file.key: set() for file in files}
    for file in files:
        for name in found[file.key].referenced - found[file.key].defined:
            if name in owner:
                edges[file.key].add(owner[name])
    return edges


def repeatable_order(
    files: list[MigrationFile], objects: ObjectsOf = parsed_objects
) -> list[MigrationFile]:
    """Files in an order where every file follows the files it reads from (then by name)."""
    by_key = {file.key: file for file in files}
    edges = _edges(files, objects)
    ordered: list[MigrationFile] = []
    done: set[str] = set()
    remaining = sorted(by_key)
    while remaining:
        ready = [key for key in remaining if edges[key] <= done]
        if not ready:
            cycle = ", ".join(remaining)
            raise UsageError(f"repeatable migrations depend on each other in a cycle: {cycle}")
        for key in ready:
            ordered.append(by_key[key])
            done.add(key)
        remaining = [key for key in remaining if key not in done]
    return ordered


def with_dependents(
    changed: Iterable[MigrationFile],
    files: list[MigrationFile],
    objects: ObjectsOf = parsed_objects,
) -> set[str]:
    """Keys of the changed files and of every file that (transitively) reads from them.

    Re-creating an object drops what depends on it (DROP … CASCADE), so those files
    must run again too.
    """
    edges = _edges(files, objects)
    selected = {file.key for file in changed}
    grew = True
    while grew:
        grew = False
        for key, sources in edges.items():
            if key not in selected and sources & selected:
                selected.add(key)
                grew = True
    return selected
