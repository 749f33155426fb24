"""POST /api/generations/: validation against the registry, 202 with the job, who may submit."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from graphs.generation.models import GenerationJob

pytestmark = pytest.mark.usefixtures("no_worker")


def submit(client, **fields):
    body = {"model": "words", "prompt": "the cat sat", **fields}
    return client.post("/api/generations/", body, format="json")


def test_it_accepts_a_valid_request_with_202_and_the_job(owner_api, owner, words_entry):
    response = submit(owner_api, max_n_logits=5, node_threshold=0.5, visibility="unlisted")
    assert response.status_code == 202
    job = response.json()
    assert job["state"] == "queued" and job["reused"] is False
    assert job["settings"]["max_n_logits"] == 5
    assert job["settings"]["max_feature_nodes"] == 50  # the entry's default
    stored = GenerationJob.objects.get(pk=job["id"])
    assert stored.owner == owner and stored.visibility == "unlisted"
    assert stored.n_prompt_tokens == 4  # three words and the BOS
    assert len(job["id"]) >= 16


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_n_logits", 0),
        ("max_n_logits", 51),
        ("desired_logit_prob", 1.5),
        ("max_feature_nodes", 101),  # the entry's own bound, not the default one
        ("node_threshold", 0.0),
        ("edge_threshold", "lots"),
        ("visibility", "everyone"),
        ("model", "gpt-9"),
        ("prompt", "   "),
    ],
)
def test_bad_settings_get_400_naming_the_field(owner_api, words_entry, field, value):
    response = submit(owner_api, **{field: value})
    assert response.status_code == 400
    assert field in response.json()
    assert not GenerationJob.objects.exists()


def test_an_over_long_prompt_gets_400_with_count_and_limit(owner_api, words_entry):
    response = submit(owner_api, prompt="the cat sat on the mat the dog ran")  # 9 + BOS
    assert response.status_code == 400
    message = response.json()["prompt"][0]
    assert "10 tokens" in message and "8" in message
    assert not GenerationJob.objects.exists()


def test_anonymous_may_not_submit(db, words_entry):
    response = submit(APIClient())
    assert response.status_code in (401, 403)
    assert not GenerationJob.objects.exists()
