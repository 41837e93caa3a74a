"""`--select` syntax: NAME, NAME+ (and downstream), +NAME (and upstream), +NAME+ (both)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cfbops.errors import UsageError
from cfbops.marts.graph import MartGraph


@dataclass(frozen=True, slots=True)
class Selector:
    name: str
    upstream: bool
    downstream: bool

    @classmethod
    def parse(cls, text: str) -> Selector:
        raw = text.strip()
        upstream = raw.startswith("+")
        downstream = raw.endswith("+")
        name = raw.strip("+").strip()
        if not name or "+" in name:
            raise UsageError(
                f"--select {text!r} is not a mart selector "
                "(use NAME, NAME+ for it and everything downstream, +NAME for it and upstream)"
            )
        return cls(name, upstream, downstream)


def resolve_name(graph: MartGraph, name: str) -> str:
    """The schema-qualified mart a user means by `name` (qualified or not)."""
    names = graph.names
    if name in names:
        return name
    matches = [full for full in names if full.split(".", 1)[1] == name] if "." not in name else []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise UsageError(
            f"mart name {name!r} is ambiguous ({', '.join(matches)}); qualify it with its schema"
        )
    by_bare = {full.split(".", 1)[1]: full for full in names}
    close = difflib.get_close_matches(name, [*names, *by_bare], n=3, cutoff=0.6)
    suggestions = list(dict.fromkeys(by_bare.get(match, match) for match in close))
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    known = "" if suggestions else f" (the database has {len(names)} materialized views)"
    raise UsageError(f"no materialized view named {name!r}{known}{hint}")


def select_marts(graph: MartGraph, selectors: Sequence[str]) -> frozenset[str]:
    """The marts the selectors name, with upstream/downstream closures; all when none given."""
    if not selectors:
        return frozenset(graph.names)
    parts = _split(selectors)
    if not parts:
        raise UsageError(
            "--select names no mart (use NAME, NAME+ or +NAME; leave it out for all marts)"
        )
    chosen: set[str] = set()
    for text in parts:
        selector = Selector.parse(text)
        name = resolve_name(graph, selector.name)
        chosen.add(name)
        if selector.upstream:
            chosen |= graph.ancestors(name)
        if selector.downstream:
            chosen |= graph.descendants(name)
    return frozenset(chosen)


def _split(selectors: Iterable[str]) -> list[str]:
    # `--select "a b+"` and `--select a,b+` read like `--select a b+`.
    return [part for text in selectors for part in text.replace(",", " ").split() if part]
