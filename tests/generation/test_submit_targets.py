"""POST /api/generations/ with `targets` or `logit_diff`: what is stored for the worker, a 400
naming the field for every bad request, and the graph a worker makes of it (embedded mode)."""

from __future__ import annotations

import json

import pytest

from graphs.generation.models import GenerationJob
from graphs.storage import open_body_json
from tests.factories import UserFactory
from tests.support.flow import assert_graph_stored, submit, wait_final


def post(client, **fields):
    body = {"model": "words", "prompt": "the cat sat", **fields}
    return client.post("/api/generations/", body, format="json")


@pytest.mark.usefixtures("no_worker")
class TestSubmission:
    def test_targets_are_stored_without_the_salient_settings(self, owner_api, words_entry):
        response = post(owner_api, targets=["mat", 8])
        assert response.status_code == 202, response.content
        settings = response.json()["settings"]
        assert settings["targets"] == ["mat", 8]
        assert "max_n_logits" not in settings and "desired_logit_prob" not in settings
        assert settings["max_feature_nodes"] == 50  # the other settings keep their defaults

    def test_a_logit_difference_is_stored_as_given(self, owner_api, words_entry):
        response = post(owner_api, logit_diff=["mat", "dog"], node_threshold=0.6)
        assert response.status_code == 202, response.content
        settings = response.json()["settings"]
        assert settings["logit_diff"] == ["mat", "dog"] and settings["node_threshold"] == 0.6

    def test_other_targets_make_another_job_not_a_reused_one(self, owner_api, words_entry):
        first = post(owner_api, logit_diff=["mat", "dog"]).json()
        same = post(owner_api, logit_diff=["mat", "dog"]).json()
        other = post(owner_api, logit_diff=["dog", "mat"]).json()
        assert same["id"] == first["id"] and same["reused"] is True
        assert other["id"] != first["id"] and other["reused"] is False

    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"targets": ["mat"], "logit_diff": ["mat", "dog"]}, "logit_diff", "together"),
            ({"targets": ["mat"], "max_n_logits": 3}, "max_n_logits", "salient logits"),
            (
                {"logit_diff": ["mat", "dog"], "desired_logit_prob": 0.9},
                "desired_logit_prob",
                "salient",
            ),
            ({"targets": []}, "targets", "at least 1"),
            ({"targets": "mat"}, "targets", "list"),
            ({"targets": [True]}, "targets", "string or an integer"),
            ({"targets": [-1]}, "targets", "negative"),
            ({"targets": [""]}, "targets", "empty"),
            ({"targets": ["x" * 101]}, "targets", "at most 100"),
            ({"targets": ["mat"] * 51}, "targets", "no more than 50"),
            ({"logit_diff": ["mat"]}, "logit_diff", "at least 2"),
            ({"logit_diff": ["mat", "dog", "cat"]}, "logit_diff", "no more than 2"),
            (
                {"targets": ["hat"]},
                "targets",
                "'hat' is not one token of words's vocabulary (it reads as the unknown token)",
            ),
            (
                {"targets": ["the cat"]},
                "targets",
                "'the cat' is not one token of words's vocabulary (it splits into",
            ),
            ({"targets": [10]}, "targets", "target token id 10 is not in [0, 10)"),
            ({"targets": ["mat", 6]}, "targets", "'mat' is given twice"),  # 6 is mat's id
            ({"logit_diff": ["dog", "dog"]}, "logit_diff", "two different tokens"),
            ({"logit_diff": ["dog", "hat"]}, "logit_diff", "'hat' is not one token"),
        ],
    )
    def test_bad_targets_get_400_naming_the_field(
        self, owner_api, words_entry, fields, field, message
    ):
        response = post(owner_api, **fields)
        assert response.status_code == 400, response.content
        body = response.json()
        assert field in body, body
        assert message in json.dumps(body[field], ensure_ascii=False), body
        assert not GenerationJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_traces_a_logit_difference_graph(settings, tiny_models_file):
    settings.GENERATION_EMBEDDED = True
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    owner = UserFactory(username="targets-owner")
    job = wait_final(submit(owner, logit_diff=["Austin", "Dallas"])["id"], 120)
    graph = assert_graph_stored(job)
    with open_body_json(graph.body_key) as body:
        document = json.load(body)
    (target,) = [n for n in document["nodes"] if n["feature_type"] == "logit"]
    assert target["clerp"].startswith('Output "Austin \N{MINUS SIGN} Dallas"')
    generation = document["metadata"]["generation_settings"]
    assert generation["attribution_targets"]["tokens"] == ["Austin", "Dallas"]
    assert any(link["target"] == target["node_id"] for link in document["links"])


@pytest.mark.django_db(transaction=True)
def test_a_target_the_worker_cannot_read_fails_the_job_with_the_engines_message(
    settings, tiny_models_file, monkeypatch
):
    """Where the web tier has no tokenizer, the worker's engine refuses the token instead."""
    from graphs.generation.services import tokens

    settings.GENERATION_EMBEDDED = True
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    monkeypatch.setattr(tokens, "_tokenizer", lambda ref: None)
    owner = UserFactory(username="targets-owner-2")
    job = wait_final(submit(owner, targets=["Houston"])["id"], 120)
    assert job.state == "failed"
    assert "target token 'Houston' is not one token of this model's vocabulary" in job.error
