"""The REST API, mounted under /api/: one router for every app's viewsets (so /api/ lists them
all), then each app's other routes. Every path ends with a slash (DRF's convention)."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from graphs.api.graphs import ID_PATTERN, GraphViewSet
from graphs.api.subgraphs import SubgraphViewSet
from graphs.api.urls import urlpatterns as graph_urlpatterns
from graphs.collab.api import COLLABORATOR_ROUTE, CollaboratorViewSet
from graphs.collab.urls import api_urlpatterns as collab_urlpatterns
from graphs.explanations.api.urls import urlpatterns as explanation_urlpatterns
from graphs.features.api.urls import urlpatterns as feature_urlpatterns
from graphs.generation.api.urls import urlpatterns as generation_urlpatterns
from graphs.generation.api.views import GenerationViewSet

router = DefaultRouter()
router.register("graphs", GraphViewSet, basename="api-graph")
router.register(
    rf"graphs/(?P<graph_pk>{ID_PATTERN})/subgraphs", SubgraphViewSet, basename="api-subgraph"
)
router.register(COLLABORATOR_ROUTE, CollaboratorViewSet, basename="api-collaborator")
router.register("generations", GenerationViewSet, basename="generation")

urlpatterns = [
    *graph_urlpatterns,
    *feature_urlpatterns,
    *explanation_urlpatterns,
    *generation_urlpatterns,
    *collab_urlpatterns,
    *router.urls,
]
