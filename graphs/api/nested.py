"""The parent graph of a nested API resource (`/api/graphs/{graph_pk}/...`)."""

from __future__ import annotations

from graphs import permissions
from graphs.models import Graph


class NestedGraphMixin:
    """`self.graph()`: the URL's graph, looked up once per request. A graph its viewer may not
    see answers 404, so nothing nested under it reveals that it exists."""

    def graph(self) -> Graph:
        if not hasattr(self, "_graph"):
            self._graph = permissions.visible_graph_or_404(
                self.request.user, self.kwargs["graph_pk"]
            )
        return self._graph
