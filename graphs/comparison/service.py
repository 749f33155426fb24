"""Who may compare which graphs: both must be visible to the user (either one hidden answers the
same 404 as a missing graph) and of one model and transcoder set, or the matching by feature index
would pair unrelated features."""

from __future__ import annotations

from functools import lru_cache

from graphs import permissions
from graphs.comparison.matching import Comparison, compare
from graphs.comparison.reading import body_summary, graph_summary
from graphs.errors import InvalidInput
from graphs.models import Graph

EDGE_LIMIT = 500


@lru_cache(maxsize=8)
def _comparison(body_a: str, body_b: str) -> Comparison:
    # Stored bodies never change, so their keys identify the answer.
    return compare(body_summary(body_a), body_summary(body_b), edge_limit=EDGE_LIMIT)


def check_comparable(a: Graph, b: Graph) -> None:
    if a.model_id != b.model_id:
        raise InvalidInput.on_field(
            "b",
            f"graph B is of model {b.model_id!r}, graph A of {a.model_id!r}: compare graphs "
            "of one model",
        )
    set_a, set_b = graph_summary(a).transcoder_set, graph_summary(b).transcoder_set
    if set_a and set_b and set_a != set_b:
        raise InvalidInput.on_field(
            "b",
            f"graph B uses the transcoder set {set_b!r}, graph A {set_a!r}: feature indices "
            "of different sets name different features",
        )


def compare_graphs(user, a_id: str, b_id: str) -> tuple[Graph, Graph, Comparison]:
    """The comparison of graph A with graph B, as `user` may see it."""
    a = permissions.visible_graph_or_404(user, a_id)
    b = permissions.visible_graph_or_404(user, b_id)
    check_comparable(a, b)
    return a, b, _comparison(a.body_key, b.body_key)
