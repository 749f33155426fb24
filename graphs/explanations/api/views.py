"""REST views of explanations (contract: docs/explanations.md).

Permissions, explicit per view and method:
- reading explanations, a feature's list, search and a graph's labels: anyone (a graph's labels
  only for whoever may see the graph; others get 404 as for the graph itself);
- creating a human explanation: signed-in users (anonymous: 401/403);
- changing or deleting one: its author only (others signed in: 403; anonymous: 401/403);
- importing a file and starting or watching auto-interp runs: staff only (others: 403).
Rules live in the services (services/human.py) and graphs.permissions; views parse and answer.
"""

from __future__ import annotations

from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import MethodNotAllowed, NotAuthenticated, ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from graphs import permissions
from graphs.errors import InvalidInput
from graphs.explanations import conf
from graphs.explanations.api.openapi import (
    EDIT,
    EXPORT_FILE,
    FEATURE_QUERY,
    IMPORT_QUERY,
    NEW_EXPLANATION,
    NEW_RUN,
    SEARCH_QUERY,
    described,
)
from graphs.explanations.api.serializers import explanation_dict, label_dict, run_dict
from graphs.explanations.api.uploads import ExplanationFileParser
from graphs.explanations.models import AutoInterpRun, Explanation
from graphs.explanations.neuronpedia import from_ours
from graphs.explanations.services import autointerp_runs, human
from graphs.explanations.services.defaults import ordered_by_preference
from graphs.explanations.services.graph_labels import for_graph
from graphs.explanations.services.importer import ImportRefused, import_stream
from graphs.explanations.services.search import MAX_MATCHES, is_capped, rows_of, search_ids
from graphs.models import Source

FEATURE_LIST_MAX = 100


def _int_param(request: Request, name: str, *, required: bool = True) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        if required:
            raise InvalidInput.on_field(name, "is required")
        return None
    if not raw.isdigit() or int(raw) > 2**31 - 1:
        raise InvalidInput.on_field(name, "must be a non-negative integer")
    return int(raw)


def _str_param(request: Request, name: str, *, required: bool = True) -> str | None:
    raw = (request.query_params.get(name) or "").strip()
    if not raw:
        if required:
            raise InvalidInput.on_field(name, "is required")
        return None
    return raw


class ExplanationList(APIView):
    """GET: a feature's explanations, the default first. POST: a human explanation."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @described("explanations_of_feature", "A feature's explanations", parameters=FEATURE_QUERY)
    def get(self, request: Request) -> Response:
        model_id, source_set = _str_param(request, "model"), _str_param(request, "source_set")
        layer, index = _int_param(request, "layer"), _int_param(request, "index")
        rows = ordered_by_preference(
            Explanation.objects.filter(
                model_id=model_id, source_set=source_set, layer=layer, index=index
            ).select_related("author")
        )
        count = rows.count()
        fs = from_ours(model_id, source_set)
        results = [explanation_dict(e, feature_set=fs) for e in rows[:FEATURE_LIST_MAX]]
        return Response(
            {
                "model": model_id,
                "source_set": source_set,
                "layer": layer,
                "index": index,
                "neuronpedia_url": fs.neuronpedia_url(layer, index),
                "default_id": results[0]["id"] if results else None,
                "count": count,
                "results": results,
            }
        )

    @described("explanation_create", "Add a human explanation", request=NEW_EXPLANATION)
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        explanation = human.create_human(
            request.user,
            model_id=data.get("model"),
            source_set=data.get("source_set"),
            layer=data.get("layer"),
            index=data.get("index"),
            description=data.get("description"),
        )
        return Response(explanation_dict(explanation), status=status.HTTP_201_CREATED)


class ExplanationDetail(APIView):
    """GET anyone; PATCH {"description"} and DELETE: the author of a human explanation only."""

    permission_classes = [IsAuthenticatedOrReadOnly]

    def _get(self, pk: str) -> Explanation:
        try:
            return Explanation.objects.select_related("author").get(pk=pk)
        except Explanation.DoesNotExist:
            raise Http404("no such explanation") from None

    @described("explanation_read", "One explanation")
    def get(self, request: Request, pk: str) -> Response:
        return Response(explanation_dict(self._get(pk)))

    @described("explanation_update", "Edit your explanation", request=EDIT)
    def patch(self, request: Request, pk: str) -> Response:
        self._get(pk)
        data = request.data if isinstance(request.data, dict) else {}
        explanation = human.update_human(request.user, pk, data.get("description"))
        return Response(explanation_dict(self._get(explanation.pk)))

    @described("explanation_delete", "Delete your explanation")
    def delete(self, request: Request, pk: str) -> Response:
        self._get(pk)
        human.delete_human(request.user, pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SearchPagination(PageNumberPagination):
    """Pages of at most MAX_MATCHES results; `capped` says more matched than were ranked."""

    page_size_query_param = None

    def get_page_size(self, request) -> int:
        return int(conf.get("SEARCH_PAGE_SIZE"))

    def get_paginated_response(self, data) -> Response:
        response = super().get_paginated_response(data)
        count = self.page.paginator.count
        response.data["capped"] = is_capped(count)
        response.data["count"] = min(count, MAX_MATCHES)
        return response


class ExplanationSearch(APIView):
    permission_classes = [AllowAny]  # read-only: GET is the only method routed here

    @described("explanations_search", "Search explanation texts", parameters=SEARCH_QUERY)
    def get(self, request: Request) -> Response:
        ids = search_ids(
            request.query_params.get("q", ""),
            model_id=_str_param(request, "model", required=False),
            source_set=_str_param(request, "source_set", required=False),
        )
        paginator = SearchPagination()
        page = paginator.paginate_queryset(ids, request, view=self)
        return paginator.get_paginated_response([explanation_dict(e) for e in rows_of(page or [])])


class GraphExplanations(APIView):
    permission_classes = [AllowAny]  # read-only; visibility checked per graph below

    @described("graph_explanations", "Default labels of a graph")
    def get(self, request: Request, graph_id: str) -> Response:
        graph = permissions.visible_graph_or_404(request.user, graph_id)
        found = for_graph(graph)
        return Response(
            {
                "graph": graph.pk,
                # Our generated graphs' clerps are a snapshot of these defaults: the live
                # default wins there. An uploaded graph's own clerp wins; ours fill the gaps.
                "label_priority": "explanations" if graph.source == Source.GENERATED else "clerp",
                "source": found.source.as_dict() if found.source else None,
                "feature_nodes": found.n_feature_nodes,
                "count": len(found.defaults),
                "explanations": {
                    f"{layer}_{index}": label_dict(e)
                    for (layer, index), e in sorted(found.defaults.items())
                },
            }
        )


class _StaffView(APIView):
    """Staff only. A method the view lacks answers 405 to everyone, before the staff check."""

    permission_classes = [IsAdminUser]

    def initial(self, request, *args, **kwargs) -> None:
        if not hasattr(self, request.method.lower()):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


class ExplanationImport(_StaffView):
    """Staff only: import an explanation export sent as the request body."""

    parser_classes = [ExplanationFileParser]

    @described(
        "explanations_import",
        "Import an export (staff)",
        request=EXPORT_FILE,
        parameters=IMPORT_QUERY,
    )
    def post(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        body = request.data
        if not hasattr(body, "read"):
            raise ParseError("send the export file as the request body")
        try:
            report = import_stream(
                body,
                model_id=_str_param(request, "model", required=False),
                source_set=_str_param(request, "source_set", required=False),
            )
        except ImportRefused as exc:
            raise InvalidInput.on_field("file", str(exc)) from None
        finally:
            body.close()
        return Response(report.as_dict(), status=status.HTTP_201_CREATED)


class AutoInterpRuns(_StaffView):
    """Staff only: GET lists recent runs; POST {model, source_set, layer?, index?} starts one."""

    @described("autointerp_runs", "Auto-interp runs (staff)")
    def get(self, request: Request) -> Response:
        runs = AutoInterpRun.objects.all()[:50]
        return Response({"results": [run_dict(r) for r in runs]})

    @described("autointerp_start", "Start an auto-interp run (staff)", request=NEW_RUN)
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        run = autointerp_runs.start_run(
            created_by=request.user,
            model_id=data.get("model"),
            source_set=data.get("source_set"),
            layer=data.get("layer"),
            index=data.get("index"),
        )
        return Response(run_dict(run), status=status.HTTP_202_ACCEPTED)


class AutoInterpRunDetail(_StaffView):
    @described("autointerp_run", "One auto-interp run (staff)")
    def get(self, request: Request, pk: str) -> Response:
        try:
            return Response(run_dict(AutoInterpRun.objects.get(pk=pk)))
        except AutoInterpRun.DoesNotExist:
            raise Http404("no such run") from None
