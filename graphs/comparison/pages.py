"""The browser pages of a comparison: choosing graph B for a graph A, and the side-by-side view
(whose data the page's script reads from the comparison API)."""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from graphs import permissions
from graphs.comparison.service import check_comparable
from graphs.errors import InvalidInput
from graphs.models import Graph
from graphs.views import not_found

CANDIDATES = 50
# A graph id alone, or the last id-shaped segment of a pasted graph page or API address.
_GRAPH_ID = re.compile(r"([A-Za-z0-9_-]{16,32})/?(?:data/?)?(?:[?#].*)?$")


def _candidates(user, graph: Graph) -> QuerySet[Graph]:
    """Graphs of A's model the user may open: their own and shared ones, and the public list."""
    visible = permissions.listed_graphs()
    if user.is_authenticated:
        visible = visible | Graph.objects.filter(pk__in=permissions.graphs_of(user).values("pk"))
    return (
        visible.filter(model_id=graph.model_id)
        .exclude(pk=graph.pk)
        .select_related("owner")
        .order_by("-created_at")[:CANDIDATES]
    )


@require_GET
def choose_other(request: HttpRequest, graph_id: str) -> HttpResponse:
    try:
        graph = permissions.visible_graph_or_404(request.user, graph_id)
    except Http404:
        return not_found(request, "graph")
    pasted = request.GET.get("other", "").strip()
    error = ""
    if pasted:
        found = _GRAPH_ID.search(pasted)
        if found:
            return redirect(reverse("graph-compare", args=[graph.pk, found.group(1)]))
        error = "That is neither a graph id nor a graph's address."
    context = {"graph": graph, "candidates": _candidates(request.user, graph), "error": error}
    return render(request, "comparison/choose.html", context, status=400 if error else 200)


@require_GET
def compare_page(request: HttpRequest, graph_id: str, other_id: str) -> HttpResponse:
    try:
        a = permissions.visible_graph_or_404(request.user, graph_id)
        b = permissions.visible_graph_or_404(request.user, other_id)
    except Http404:
        return not_found(request, "graph")
    try:
        check_comparable(a, b)
    except InvalidInput as refusal:
        context = {"graph": a, "candidates": _candidates(request.user, a), "error": refusal.message}
        return render(request, "comparison/choose.html", context, status=400)
    return render(request, "comparison/compare.html", {"a": a, "b": b})
