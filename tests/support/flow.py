"""Shared steps of the end-to-end generation tests (Celery worker and embedded)."""

from __future__ import annotations

import json
import time

from rest_framework.test import APIClient

from graphs.generation.models import GenerationJob
from graphs.models import Graph
from graphs.storage import open_body_json

ENGINE_PHASES = ["loading", "forward", "logit rows", "feature rows", "pruning", "export"]
PROMPT = "the capital of France is"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def submit(user, prompt: str = PROMPT, **extra) -> dict:
    response = api_for(user).post(
        "/api/generations/", {"model": "tiny", "prompt": prompt, **extra}, format="json"
    )
    assert response.status_code == 202, response.content
    return response.json()


def wait_for(job_id: str, predicate, timeout: float, what: str) -> GenerationJob:
    deadline = time.monotonic() + timeout
    while True:
        job = GenerationJob.objects.get(pk=job_id)
        if predicate(job):
            return job
        if time.monotonic() > deadline:
            raise AssertionError(
                f"job not {what} within {timeout} s: {job.state} {job.phase} {job.error}"
            )
        time.sleep(0.02)


def wait_final(job_id: str, timeout: float) -> GenerationJob:
    return wait_for(job_id, lambda job: job.is_final, timeout, "finished")


def assert_phases_in_order(messages: list[dict]) -> None:
    """Every engine phase, then saving, in order, then success; the feature rows report k/N."""
    phases = []
    for message in messages:
        if message["state"] == "running" and (not phases or phases[-1] != message["phase"]):
            phases.append(message["phase"])
    assert phases == [*ENGINE_PHASES, "saving"], phases
    assert messages[0]["state"] == "queued"
    assert messages[-1]["state"] == "succeeded" and messages[-1]["graph_url"]
    rows = [m for m in messages if m["phase"] == "feature rows"]
    assert all(0 <= m["done"] <= m["total"] and m["total"] > 0 for m in rows)
    versions = [m["version"] for m in messages]
    assert versions == sorted(set(versions))  # no stale or repeated event reached the client


def assert_graph_stored(job: GenerationJob) -> Graph:
    assert job.state == "succeeded", job.error
    graph = job.graph
    assert graph is not None and graph.source == "generated"
    assert graph.owner_id == job.owner_id and graph.title == job.prompt
    assert graph.prompt_tokens[-1].strip() == job.prompt.split()[-1]
    with open_body_json(graph.body_key) as body:
        document = json.load(body)
    assert len(document["nodes"]) == graph.node_count > 0
    assert any(node["node_id"].startswith("E_") for node in document["nodes"])
    return graph
