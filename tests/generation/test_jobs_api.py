"""GET/DELETE /api/generations/{id}/, the list of my jobs, identical requests."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from graphs.generation.models import GenerationJob
from graphs.generation.services import jobs
from tests.factories import GraphFactory

pytestmark = pytest.mark.usefixtures("no_worker")


def submit(client, prompt="the cat sat", **extra):
    body = {"model": "words", "prompt": prompt, **extra}
    return client.post("/api/generations/", body, format="json")


def test_the_owner_gets_the_job_and_lists_only_their_own(owner_api, outsider_api, words_entry):
    mine = submit(owner_api).json()
    submit(outsider_api, "the dog ran")
    assert owner_api.get(f"/api/generations/{mine['id']}/").json()["state"] == "queued"
    listed = owner_api.get("/api/generations/").json()["results"]
    assert [job["id"] for job in listed] == [mine["id"]]


def test_an_outsider_cannot_see_or_cancel_the_job(owner_api, outsider_api, words_entry):
    job_id = submit(owner_api).json()["id"]
    assert outsider_api.get(f"/api/generations/{job_id}/").status_code == 404
    assert outsider_api.delete(f"/api/generations/{job_id}/").status_code == 404
    assert APIClient().get(f"/api/generations/{job_id}/").status_code in (401, 403)
    assert GenerationJob.objects.get(pk=job_id).state == "queued"


def test_cancelling_a_queued_job_means_no_worker_runs_it(owner_api, words_entry):
    job_id = submit(owner_api).json()["id"]
    response = owner_api.delete(f"/api/generations/{job_id}/")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert jobs.claim(job_id, "worker-a") is None  # the queued message is skipped


def test_cancelling_a_running_job_stops_its_worker(owner_api, words_entry):
    job_id = submit(owner_api).json()["id"]
    assert jobs.claim(job_id, "worker-a") is not None
    assert jobs.progress(job_id, "worker-a", "forward", 0, 1) is True
    assert owner_api.delete(f"/api/generations/{job_id}/").json()["state"] == "cancelled"
    assert jobs.progress(job_id, "worker-a", "feature rows", 1, 4) is False
    assert jobs.succeed(job_id, "worker-a", {"nodes": [], "links": []}) is None
    assert GenerationJob.objects.get(pk=job_id).graph is None


def test_a_finished_job_cannot_be_cancelled(owner_api, words_entry):
    job_id = submit(owner_api).json()["id"]
    jobs.claim(job_id, "worker-a")
    jobs.fail(job_id, "boom", "worker-a")
    response = owner_api.delete(f"/api/generations/{job_id}/")
    assert response.status_code == 409
    assert GenerationJob.objects.get(pk=job_id).state == "failed"


def test_an_identical_request_returns_the_stored_graph_unless_fresh(
    owner_api, owner, outsider_api, words_entry, settings
):
    settings.GENERATION_MAX_QUEUED = 5
    first = submit(owner_api, max_n_logits=3).json()
    graph = GraphFactory(owner=owner)
    GenerationJob.objects.filter(pk=first["id"]).update(state="succeeded", graph=graph)

    again = submit(owner_api, max_n_logits=3)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"] and again.json()["reused"] is True
    assert again.json()["graph_url"].endswith(f"{graph.id}/")

    assert submit(owner_api, max_n_logits=4).status_code == 202  # other settings
    assert submit(owner_api, max_n_logits=3, fresh=True).status_code == 202
    assert submit(outsider_api, max_n_logits=3).status_code == 202  # another user's request
    assert GenerationJob.objects.count() == 4


def test_reuse_never_crosses_visibilities(owner_api, owner, words_entry, settings):
    """A public graph is not the answer to a private request, nor a graph made private since
    to a public one."""
    settings.GENERATION_MAX_QUEUED = 5
    public = submit(owner_api, visibility="public").json()
    graph = GraphFactory(owner=owner, visibility="public")
    GenerationJob.objects.filter(pk=public["id"]).update(state="succeeded", graph=graph)

    private = submit(owner_api, visibility="private")
    assert private.status_code == 202 and private.json()["reused"] is False
    assert submit(owner_api, visibility="public").json()["reused"] is True
    graph.visibility = "private"
    graph.save()
    assert submit(owner_api, visibility="public").json()["reused"] is False
