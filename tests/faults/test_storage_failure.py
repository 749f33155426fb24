"""A storage write fails (halfway, or at once as on a full disk): the upload answers 503 with a
reason and a generation job fails with "could not store the graph"; no Graph row, no partial
body is left; once the storage works again, uploads and jobs are served without a restart."""

from __future__ import annotations

import pytest

from graphs.generation.models import GenerationJob
from graphs.models import Graph
from inference_worker.worker.runner import run_job
from tests.factories import UserFactory
from tests.faults.audit import assert_no_partial_graph, stored_body_keys
from tests.support.flow import api_for, assert_graph_stored, submit
from tests.support.paths import FIXTURES

pytestmark = pytest.mark.django_db(transaction=True)

FAILING = {
    "halfway": "tests.faults.failing_storage.HalfWritingStorage",
    "full disk": "tests.faults.failing_storage.FullDiskStorage",
}


@pytest.fixture(params=sorted(FAILING))
def failing_storage(request, settings):
    """Graph bodies go to a failing backend over the same directory as the default storage;
    returns a function that makes the storage work again."""
    location = settings.STORAGES["default"].get("OPTIONS", {}).get("location", settings.MEDIA_ROOT)
    settings.STORAGES = {
        **settings.STORAGES,
        "failing": {"BACKEND": FAILING[request.param], "OPTIONS": {"location": str(location)}},
    }
    settings.GRAPH_STORAGE_ALIAS = "failing"

    def repair() -> None:
        settings.GRAPH_STORAGE_ALIAS = "default"

    return repair


def upload(user):
    body = (FIXTURES / "tiny.json").read_bytes()
    return api_for(user).post("/api/graphs/", body, content_type="application/json")


def test_it_answers_an_upload_503_and_keeps_nothing(failing_storage):
    owner = UserFactory(username="uploader")
    response = upload(owner)
    assert response.status_code == 503, response.content
    assert response.json()["detail"].startswith("could not store the graph: ")
    assert "No space left on device" in response.json()["detail"]
    assert response["Retry-After"]
    assert not Graph.objects.exists() and not stored_body_keys()
    failing_storage()
    assert upload(owner).status_code == 201
    assert_no_partial_graph()


def test_it_fails_a_job_with_its_reason_and_keeps_nothing(
    failing_storage, no_worker, tiny_models_file
):
    owner = UserFactory(username="generator")
    job_id = submit(owner)["id"]
    assert run_job(job_id, "test-worker") == "failed"
    job = GenerationJob.objects.get(pk=job_id)
    assert job.state == "failed" and job.graph is None
    assert job.error.startswith("could not store the graph: "), job.error
    assert not Graph.objects.exists() and not stored_body_keys()
    failing_storage()
    again = submit(owner, prompt="the capital of Texas is")["id"]
    assert run_job(again, "test-worker") == "succeeded"
    assert_graph_stored(GenerationJob.objects.get(pk=again))
    assert_no_partial_graph()
