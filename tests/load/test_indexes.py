"""The subgraph list of a graph reads its first page from an index in list order
(graphs/migrations/0005), so a popular graph's saved views are not all sorted on each request."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from graphs import permissions
from tests.factories import GraphFactory, SubgraphFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_lists_a_graphs_subgraphs_from_the_listing_index_without_sorting():
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    graph = GraphFactory()
    for _ in range(5):
        SubgraphFactory(graph=graph, author=UserFactory())
    # The query of GET /api/graphs/{id}/subgraphs/ (graphs/api/subgraphs.py), first page.
    listing = (
        permissions.visible_subgraphs(AnonymousUser(), graph)
        .select_related("author")
        .order_by("-featured", "-updated_at")[:50]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # A handful of rows would be scanned and sorted whatever the indexes: forbid both, so
        # the plan shows what PostgreSQL does once the table is large.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = listing.explain()
    assert "subgraph_graph_listing_idx" in plan, plan
    assert "Sort" not in plan, plan
