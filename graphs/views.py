"""Browser pages of the graph domain: home, my graphs, public graphs, a graph, the validator.

Views are thin: look up through the permission rules, paginate, render. A private graph answers 404
to whoever may not see it, so its existence does not leak.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from graphs.api.answers import replay_epoch
from graphs.models import Graph
from graphs.permissions import can_feature_subgraph, role_of, visible_graph_or_404
from graphs.queries import for_listing, graphs_shared_with, listed_public_graphs
from webapp.replayed_answers import mark_replayable

PAGE_SIZE = 25


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    public = for_listing(listed_public_graphs().select_related("owner"))
    context = {
        "featured": public.filter(featured=True)[:6],
        "recent": public[:8],
    }
    return render(request, "graphs/home.html", context)


@login_required
@require_GET
def my_graphs(request: HttpRequest) -> HttpResponse:
    owned = for_listing(Graph.objects.filter(owner=request.user))
    shared = for_listing(graphs_shared_with(request.user).select_related("owner"))
    context = {
        **_filtered_page(request, owned),
        "shared": shared[:50],
    }
    return render(request, "graphs/mine.html", context)


@login_required
@require_GET
def shared_graphs(request: HttpRequest) -> HttpResponse:
    """Graphs where I am a collaborator, with my role on each."""
    shared = for_listing(graphs_shared_with(request.user).select_related("owner"))
    page = _filtered_page(request, shared)
    roles = dict(
        request.user.collaborations.filter(graph__in=page["page"].object_list).values_list(
            "graph_id", "role"
        )
    )
    for graph in page["page"].object_list:
        graph.my_role = roles.get(graph.pk, "")
    return render(request, "graphs/shared.html", page)


@require_GET
def public_graphs(request: HttpRequest) -> HttpResponse:
    # Shown to a visitor who is not signed in, the page is the same for all of them.
    epoch = None if request.user.is_authenticated else replay_epoch()
    graphs = for_listing(listed_public_graphs().select_related("owner"))
    if request.GET.get("featured") == "1":
        graphs = graphs.filter(featured=True)
    context = {
        **_filtered_page(request, graphs),
        "featured_only": request.GET.get("featured") == "1",
    }
    response = render(request, "graphs/public.html", context)
    if epoch is not None:
        mark_replayable(epoch)
    return response


def not_found(request: HttpRequest, what: str = "page") -> HttpResponse:
    """Our own 404 page, also under DEBUG (whose technical page lists every URL): a graph link
    that is private, or gone, says so and offers to sign in."""
    return render(request, "not_found.html", {"what": what}, status=404)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404 (DEBUG off): every other unknown address."""
    return not_found(request)


@require_GET
def graph_detail(request: HttpRequest, graph_id: str) -> HttpResponse:
    try:
        graph = visible_graph_or_404(request.user, graph_id)
    except Http404:
        return not_found(request, "graph")
    generator = graph.generator if isinstance(graph.generator, dict) else {}
    context = {
        "graph": graph,
        "generator_name": str(generator.get("name", "") or ""),
        "generator_version": str(generator.get("version", "") or ""),
        "generator_url": _safe_link(generator.get("url")),
        "is_owner": request.user.is_authenticated and graph.owner_id == request.user.pk,
        # Owner and editors choose the featured subgraphs (a button in the explorer's list) and
        # edit the title and description (the Edit button; members have it, hidden for viewers,
        # so it appears when a viewer is made editor while the page is open).
        "can_curate": can_feature_subgraph(request.user, graph),
        "is_member": role_of(request.user, graph) is not None,
        # Hosts the explorer may fetch external feature JSON from (the CSP allows no others).
        "feature_json_hosts": ",".join(h.lower() for h in settings.FEATURE_JSON_HOSTS),
    }
    response = render(request, "graphs/detail.html", context)
    if request.GET.get("embed") == "true":
        # Embed mode is meant to be framed: by whom is EMBED_FRAME_ANCESTORS (webapp/csp.py).
        response.xframe_options_exempt = True
        response.csp_frame_ancestors = settings.EMBED_FRAME_ANCESTORS
    return response


@require_GET
def validate(request: HttpRequest) -> HttpResponse:
    return render(request, "graphs/validate.html")


def _filtered_page(request: HttpRequest, graphs: QuerySet[Graph]) -> dict:
    model = request.GET.get("model", "").strip()
    if model:
        graphs = graphs.filter(model_id=model)
    page: Page = Paginator(graphs, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "model": model}


def _safe_link(value: object) -> str:
    # Uploaded metadata is untrusted: only http(s) links become clickable (no javascript: URLs).
    if not isinstance(value, str):
        return ""
    return value if urlsplit(value).scheme in {"http", "https"} else ""


@login_required
@require_GET
def upload_graph(request: HttpRequest) -> HttpResponse:
    return render(request, "graphs/upload.html")
