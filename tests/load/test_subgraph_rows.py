"""Subgraph lists are written without DRF's serializer (graphs/api/subgraph_rows.py): the same
JSON to the byte as `SubgraphSerializer` writes for the same subgraphs, odd stored values
included, and the list endpoint still shows only what its reader may see."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from graphs.api.serializers import SubgraphSerializer
from graphs.api.subgraph_rows import rows_of, subgraph_rows
from graphs.models import Subgraph, Visibility
from tests.factories import GraphFactory, SubgraphFactory, UserFactory
from webapp.json_renderer import dumps

pytestmark = pytest.mark.django_db


@pytest.fixture
def graph():
    graph = GraphFactory(visibility=Visibility.PUBLIC)
    SubgraphFactory(graph=graph)
    SubgraphFactory(
        graph=graph,
        author=UserFactory(username="ünïcødé-author"),
        display_name='"Quoted" \\ name — ✓ \u2028',
        pinned_ids=["0_1_2", "E_26865_0", "27_22605_10"],
        supernodes=[["group", "0_1_2", "E_26865_0"], ["empty"]],
        clerps=[["0_1_2", "a label\nwith a newline"]],
        pruning_threshold=0.8,
        density_threshold=1,
        featured=True,
        version=7,
    )
    # Values only a direct write could store: numbers and nulls where strings belong.
    SubgraphFactory(
        graph=graph,
        pinned_ids=[12, None, "x"],
        supernodes=[["g", 3, None], None],
        clerps=[],
        pruning_threshold=None,
        density_threshold=0.0,
        hidden=True,
    )
    return graph


def test_it_writes_what_the_serializer_writes(graph):
    subgraphs = Subgraph.objects.filter(graph=graph).select_related("author", "graph")
    ordered = subgraphs.order_by("-featured", "-updated_at")
    expected = dumps(SubgraphSerializer(ordered, many=True).data)
    assert dumps(subgraph_rows(rows_of(ordered))) == expected


def test_the_list_endpoint_answers_the_serializers_page(graph):
    response = APIClient().get(f"/api/graphs/{graph.pk}/subgraphs/?page_size=2")
    assert response.status_code == 200
    visible = Subgraph.objects.filter(graph=graph, hidden=False).order_by(
        "-featured", "-updated_at"
    )
    body = response.json()
    assert body["count"] == 2
    assert body["results"] == SubgraphSerializer(visible[:2], many=True).data


def test_the_field_list_follows_the_serializer():
    assert list(subgraph_rows([_row()])[0]) == list(SubgraphSerializer.Meta.fields)


def _row() -> dict:
    from datetime import UTC, datetime

    now = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    return {
        "id": "abc",
        "graph_id": "def",
        "display_name": "n",
        "pinned_ids": [],
        "supernodes": [],
        "clerps": [],
        "pruning_threshold": None,
        "density_threshold": None,
        "featured": False,
        "hidden": False,
        "version": 1,
        "author__username": "u",
        "created_at": now,
        "updated_at": now,
    }
