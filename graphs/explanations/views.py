"""Browser pages: search explanations (/search/) and one feature's page (its explanations, its
dashboard's top logits and examples, a Neuronpedia link; signed-in users add theirs or delete
their own). Thin: the rules are the services'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from graphs.errors import ServiceError
from graphs.explanations import conf, methods
from graphs.explanations.models import Explanation
from graphs.explanations.neuronpedia import from_ours, valid_set_id
from graphs.explanations.services import human
from graphs.explanations.services.defaults import ordered_by_preference
from graphs.explanations.services.search import MAX_MATCHES, is_capped, rows_of, search_ids
from graphs.features.models import Feature

MAX_EXAMPLES = 5


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    model_id = request.GET.get("model", "").strip()
    source_set = request.GET.get("source_set", "").strip()
    context = {"q": query, "model": model_id, "source_set": source_set, "page": None}
    if query:
        try:
            ids = search_ids(query, model_id=model_id or None, source_set=source_set or None)
            paginator = Paginator(ids, int(conf.get("SEARCH_PAGE_SIZE")))
            page = paginator.get_page(request.GET.get("page"))
            context["page"] = page
            context["rows"] = rows_of(list(page.object_list))
            context["capped"] = is_capped(len(ids))
            context["count"] = min(len(ids), MAX_MATCHES)
        except ServiceError as exc:
            context["error"] = "; ".join(p.message for p in exc.problems) or exc.message
    return render(request, "explanations/search.html", context)


def _dashboard_summary(model_id: str, source_set: str, layer: int, index: int) -> dict | None:
    feature = (
        Feature.objects.in_public_set(model_id, source_set).filter(layer=layer, index=index).first()
    )
    if feature is None:
        return None
    examples = []
    for quantile in feature.dashboard.get("examples_quantiles") or []:
        for example in quantile.get("examples") or []:
            acts = example.get("tokens_acts_list") or []
            peak = max(acts) if acts else 0
            tokens = [
                {"text": t, "on": bool(peak) and a >= 0.5 * peak}
                for t, a in zip(example.get("tokens") or [], acts, strict=False)
            ]
            examples.append(tokens)
            if len(examples) >= MAX_EXAMPLES:
                break
        if len(examples) >= MAX_EXAMPLES:
            break
    return {
        "top_logits": feature.dashboard.get("top_logits") or [],
        "bottom_logits": feature.dashboard.get("bottom_logits") or [],
        "examples": examples,
    }


@require_http_methods(["GET", "POST"])
def feature_page(
    request: HttpRequest, model_id: str, source_set: str, layer: int, index: int
) -> HttpResponse:
    if not (valid_set_id(model_id) and valid_set_id(source_set)):
        raise Http404("no such feature set")
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            if request.POST.get("delete"):
                human.delete_human(request.user, request.POST["delete"])
                messages.success(request, "Your explanation was deleted.")
            else:
                human.create_human(
                    request.user,
                    model_id=model_id,
                    source_set=source_set,
                    layer=layer,
                    index=index,
                    description=request.POST.get("description", ""),
                )
                messages.success(request, "Your explanation was added.")
        except Explanation.DoesNotExist:
            messages.error(request, "That explanation no longer exists.")
        except ServiceError as exc:
            messages.error(request, "; ".join(p.message for p in exc.problems) or exc.message)
        return redirect(request.path)
    rows = ordered_by_preference(
        Explanation.objects.filter(
            model_id=model_id, source_set=source_set, layer=layer, index=index
        ).select_related("author")
    )[:100]
    context = {
        "model": model_id,
        "source_set": source_set,
        "layer": layer,
        "index": index,
        "explanations": list(rows),
        "human": methods.HUMAN,
        "neuronpedia_url": from_ours(model_id, source_set).neuronpedia_url(layer, index),
        "dashboard": _dashboard_summary(model_id, source_set, layer, index),
    }
    return render(request, "explanations/feature.html", context)
