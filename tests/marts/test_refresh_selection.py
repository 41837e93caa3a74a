"""--select: NAME, NAME+, +NAME, +NAME+, with or without the schema."""

from __future__ import annotations

import pytest

from cfbops.errors import UsageError
from cfbops.marts.graph import MartGraph
from cfbops.marts.selection import select_marts

#   a.raw1 ─► a.mid ─► a.top
#   a.raw2 ─┘      └─► b.top      b.alone      (and a second `mid`, in schema c)
GRAPH = MartGraph(
    {
        "a.raw1": frozenset(),
        "a.raw2": frozenset(),
        "a.mid": frozenset({"a.raw1", "a.raw2"}),
        "a.top": frozenset({"a.mid"}),
        "b.top": frozenset({"a.mid"}),
        "b.alone": frozenset(),
        "c.mid": frozenset(),
    }
)


def test_no_selector_selects_every_mart() -> None:
    assert select_marts(GRAPH, []) == set(GRAPH.names)


def test_a_qualified_name_selects_only_that_mart() -> None:
    assert select_marts(GRAPH, ["a.mid"]) == {"a.mid"}


def test_a_name_without_schema_is_accepted_when_unique() -> None:
    assert select_marts(GRAPH, ["alone"]) == {"b.alone"}


def test_trailing_plus_adds_everything_downstream() -> None:
    assert select_marts(GRAPH, ["a.mid+"]) == {"a.mid", "a.top", "b.top"}


def test_leading_plus_adds_everything_upstream() -> None:
    assert select_marts(GRAPH, ["+a.top"]) == {"a.top", "a.mid", "a.raw1", "a.raw2"}


def test_plus_on_both_sides_adds_both_directions() -> None:
    assert select_marts(GRAPH, ["+a.mid+"]) == {"a.raw1", "a.raw2", "a.mid", "a.top", "b.top"}


def test_several_selectors_are_united() -> None:
    assert select_marts(GRAPH, ["raw1+", "alone"]) == {
        "a.raw1",
        "a.mid",
        "a.top",
        "b.top",
        "b.alone",
    }


def test_comma_separated_selectors_work_like_several() -> None:
    assert select_marts(GRAPH, ["raw1,alone"]) == {"a.raw1", "b.alone"}


def test_an_ambiguous_bare_name_asks_for_the_schema() -> None:
    with pytest.raises(UsageError, match=r"ambiguous \(a.mid, c.mid\)"):
        select_marts(GRAPH, ["mid"])


def test_an_unknown_name_is_a_usage_error_with_a_suggestion() -> None:
    with pytest.raises(UsageError, match=r"did you mean.*alone"):
        select_marts(GRAPH, ["alon"])


def test_a_lone_plus_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not a mart selector"):
        select_marts(GRAPH, ["+"])


def test_selected_marts_keep_dependency_order() -> None:
    chosen = select_marts(GRAPH, ["+a.top"])
    order = GRAPH.refresh_order(chosen)
    assert order.index("a.mid") > max(order.index("a.raw1"), order.index("a.raw2"))
    assert order[-1] == "a.top"
