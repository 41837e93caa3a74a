"""The mart dependency graph: a valid refresh order, ancestors and descendants."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cfbops.errors import OperationFailed
from cfbops.marts.catalog import MartCatalog


@dataclass(frozen=True, slots=True)
class MartGraph:
    """Marts and the marts each reads; edges point from a mart to its upstream marts."""

    upstream: Mapping[str, frozenset[str]]

    @classmethod
    def from_catalog(cls, catalog: MartCatalog) -> MartGraph:
        return cls({name: catalog.upstream(name) for name in catalog.marts})

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self.upstream))

    def downstream(self) -> dict[str, set[str]]:
        children: dict[str, set[str]] = {name: set() for name in self.upstream}
        for name, parents in self.upstream.items():
            for parent in parents:
                children.setdefault(parent, set()).add(name)
        return children

    def refresh_order(self, among: Iterable[str] | None = None) -> tuple[str, ...]:
        """Every mart (or those in `among`) after all its upstream marts; ties by name."""
        chosen = set(self.upstream if among is None else among)
        ordered = self._topological()
        return tuple(name for name in ordered if name in chosen)

    def ancestors(self, name: str) -> frozenset[str]:
        return self._reach(name, self.upstream)

    def descendants(self, name: str) -> frozenset[str]:
        return self._reach(name, self.downstream())

    @staticmethod
    def _reach(start: str, edges: Mapping[str, Iterable[str]]) -> frozenset[str]:
        seen: set[str] = set()
        todo = list(edges.get(start, ()))
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(edges.get(name, ()))
        return frozenset(seen)

    def _topological(self) -> list[str]:
        children = self.downstream()
        waiting = {name: len(parents) for name, parents in self.upstream.items()}
        ready = [name for name, count in waiting.items() if count == 0]
        heapq.heapify(ready)
        ordered: list[str] = []
        while ready:
            name = heapq.heappop(ready)
            ordered.append(name)
            for child in children.get(name, ()):
                waiting[child] -= 1
                if waiting[child] == 0:
                    heapq.heappush(ready, child)
        if len(ordered) < len(waiting):
            stuck = sorted(set(waiting) - set(ordered))
            raise OperationFailed(
                "the mart dependencies form a cycle among "
                + ", ".join(stuck)
                + "; check the declared edges in ops.mart_dependency"
            )
        return ordered
