"""Subgraph saves check the node ids they name through the graph's node index: after the first
question about a graph, no save (in any process) streams the graph's body again."""

from __future__ import annotations

import pytest

from graphs import node_index
from graphs.errors import GraphRejected
from graphs.models import GraphNode, GraphNodeIndex
from graphs.services import save_subgraph, update_subgraph
from tests.factories import GraphFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def body_reads(monkeypatch) -> list[str]:
    reads: list[str] = []
    real = node_index.open_body_json

    def counting(key: str):
        reads.append(key)
        return real(key)

    monkeypatch.setattr(node_index, "open_body_json", counting)
    return reads


def test_only_the_first_save_on_a_graph_reads_its_body(body_reads, isolated_media):
    graph = GraphFactory(visibility="public")
    author = UserFactory()
    ids = sorted(node_index._streamed_ids(graph))
    body_reads.clear()
    first = save_subgraph(graph, author, {"display_name": "a", "pinned_ids": ids[:3]})
    assert len(body_reads) == 1  # the index is written once
    update_subgraph(first, author, {"pinned_ids": ids[:5]}, expected_version=1)
    update_subgraph(first, author, {"clerps": [[ids[0], "x"]]}, expected_version=2)
    save_subgraph(graph, UserFactory(), {"display_name": "c", "pinned_ids": ids[-2:]})
    assert len(body_reads) == 1
    assert GraphNodeIndex.objects.get(graph=graph).node_count == len(ids)
    assert GraphNode.objects.filter(graph=graph).count() == len(ids)


def test_ids_not_in_the_graph_are_still_refused_by_name(isolated_media):
    graph = GraphFactory(visibility="public")
    with pytest.raises(GraphRejected) as refused:
        save_subgraph(graph, UserFactory(), {"display_name": "x", "pinned_ids": ["99_1_1"]})
    assert [p.path for p in refused.value.problems] == ["pinned_ids[0]"]
    assert "'99_1_1' is not in the graph" in refused.value.problems[0].message
    # The refused save kept the index it built.
    assert GraphNodeIndex.objects.filter(graph=graph).exists()
