"""Graphs generated from the form carry the registry's model id when the entry names one: the
demo's are `demo`, like the featured demo graphs, whatever the transcoders' config says."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from graphs.generation.models import GenerationJob
from graphs.generation.services import dispatch, jobs
from graphs.testing import build_graph_document
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_demo_graph_from_the_form_is_stored_under_the_demo_model(monkeypatch):
    monkeypatch.setattr(dispatch, "enqueue_job", lambda job_id, entry: None)
    client = APIClient()
    client.force_authenticate(UserFactory())
    response = client.post(
        "/api/generations/", {"model": "demo", "prompt": "The capital of Texas is"}, format="json"
    )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    assert GenerationJob.objects.get(pk=job_id).graph_metadata == {"scan": "demo"}
    jobs.claim(job_id, "w")
    document = build_graph_document(slug="texas", scan="circuitscope-demo/transcoders")
    graph = jobs.succeed(job_id, "w", document).graph
    assert graph.model_id == "demo"
