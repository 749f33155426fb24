"""Websocket routes. Each app appends its consumers' paths here."""

from __future__ import annotations

from django.urls import path

from graphs.collab.consumers import GraphActivityConsumer
from graphs.generation.consumers import JobProgressConsumer
from webapp.accounts.ws_auth import BearerTokenMiddleware

websocket_urlpatterns: list = [
    path("ws/jobs/<str:job_id>/", BearerTokenMiddleware(JobProgressConsumer.as_asgi())),
    path("ws/graphs/<str:graph_id>/", BearerTokenMiddleware(GraphActivityConsumer.as_asgi())),
]
