"""Auto-interp against a local chat-completions server: the client's cases (success, 429 then
success, 500, timeout, malformed reply, not configured), post-processing, and whole runs (progress,
stored explanations, the budget, the failure reason), started by staff only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from graphs.explanations import methods
from graphs.explanations.autointerp import prompt
from graphs.explanations.autointerp.client import (
    ChatClient,
    EndpointFailed,
    MalformedReply,
    NotConfigured,
)
from graphs.explanations.autointerp.postprocess import BadReply, clean_label
from graphs.explanations.models import AutoInterpRun, Explanation
from graphs.explanations.services.autointerp_runs import execute_run, start_run
from graphs.features.models import Feature, PublicFeatureSet
from tests.explanations.chat_server import ChatServer, Step, completion
from tests.support.personas import ANONYMOUS_REFUSED

MESSAGES = [{"role": "user", "content": "Label:"}]


@pytest.fixture
def serve(settings):
    servers: list[ChatServer] = []

    def start(*steps: Step) -> ChatServer:
        server = ChatServer(list(steps))
        servers.append(server)
        settings.AUTOINTERP_BASE_URL = server.base_url
        settings.AUTOINTERP_MODEL = "test-model"
        settings.AUTOINTERP_API_KEY = "sk-test"
        settings.AUTOINTERP_BACKOFF_MS = 10
        settings.AUTOINTERP_TIMEOUT_S = 1
        settings.AUTOINTERP_MAX_RETRIES = 2
        return server

    yield start
    for server in servers:
        server.close()


def test_a_reply_is_the_labels_text(serve):
    server = serve(Step(body=completion("say Austin")))
    assert ChatClient().complete(MESSAGES) == "say Austin"
    sent = server.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["authorization"] == "Bearer sk-test"
    assert sent["body"]["model"] == "test-model" and sent["body"]["messages"] == MESSAGES


def test_429_is_retried_after_a_backoff(serve):
    server = serve(Step(429, {"error": {"message": "slow down"}}), Step(body=completion("cities")))
    waits: list[float] = []
    calls: list[int] = []
    client = ChatClient(on_call=lambda: calls.append(1), sleep=waits.append)
    assert client.complete(MESSAGES) == "cities"
    assert len(server.requests) == 2 and len(calls) == 2
    assert waits == [pytest.approx(0.01)]


def test_retry_after_is_honoured(serve):
    serve(Step(429, {"error": {}}, headers={"Retry-After": "3"}), Step(body=completion("x")))
    waits: list[float] = []
    ChatClient(sleep=waits.append).complete(MESSAGES)
    assert waits == [3.0]


def test_a_500_that_persists_fails_with_the_reason(serve):
    server = serve(Step(500, {"error": {"message": "boom"}}))
    waits: list[float] = []
    with pytest.raises(EndpointFailed, match=r"failed 3 time\(s\), last: HTTP 500"):
        ChatClient(sleep=waits.append).complete(MESSAGES)
    assert len(server.requests) == 3 and waits == [pytest.approx(0.01), pytest.approx(0.02)]


def test_a_timeout_fails_with_the_reason(serve, settings):
    serve(Step(delay_s=2.5))
    settings.AUTOINTERP_MAX_RETRIES = 0
    with pytest.raises(EndpointFailed, match="no answer within 1 s"):
        ChatClient(sleep=lambda s: None).complete(MESSAGES)


def test_a_client_error_is_not_retried(serve):
    server = serve(Step(401, {"error": {"message": "bad key"}}))
    with pytest.raises(EndpointFailed, match="refused the request: HTTP 401"):
        ChatClient(sleep=lambda s: None).complete(MESSAGES)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "body",
    [
        "this is not json",
        {"id": "x", "object": "chat.completion", "choices": []},
        {
            "id": "x",
            "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": ""}}],
        },
    ],
)
def test_a_malformed_reply_is_named(serve, body):
    serve(Step(body=body))
    with pytest.raises(MalformedReply):
        ChatClient(sleep=lambda s: None).complete(MESSAGES)


def test_nothing_is_called_when_unconfigured(settings):
    settings.AUTOINTERP_BASE_URL = ""
    with pytest.raises(NotConfigured, match="AUTOINTERP_BASE_URL"):
        ChatClient()


@pytest.mark.parametrize(
    ("reply", "label"),
    [
        ("say Austin", "say Austin"),
        ('"Say Austin."', "Say Austin"),
        ("Label: cities in Texas", "cities in Texas"),
        ("This feature detects: closing brackets.\nBecause ...", "closing brackets"),
        ("The feature fires on tokens related to numbers", "numbers"),
        ("**US states**", "US states"),
    ],
)
def test_padding_is_removed(reply, label):
    assert clean_label(reply) == label


@pytest.mark.parametrize("reply", ["", "   ", "Label:", '""', "This feature"])
def test_an_empty_label_is_a_bad_reply(reply):
    with pytest.raises(BadReply):
        clean_label(reply)


def _dashboard(next_token: str) -> dict:
    example = {"tokens": ["capital", " is", next_token], "tokens_acts_list": [0.0, 5.0, 0.0]}
    return {
        "examples_quantiles": [{"quantile_name": "Top activations", "examples": [example] * 3}],
        "top_logits": [next_token, " Dallas"],
        "bottom_logits": [],
    }


def test_the_prompt_shows_logits_and_following_tokens():
    messages = prompt.messages(_dashboard(" Austin"))
    assert messages[0]["role"] == "system"
    assert "'Austin', 'Dallas'" in messages[1]["content"]
    assert "after the top activations: 'Austin'" in messages[1]["content"]


@pytest.fixture
def demo_set(db):
    PublicFeatureSet.objects.create(model_id="demo", source_set="demo", n_features=4, digest="d")
    for index, token in enumerate([" Austin", " Denver", " Boise"]):
        Feature.objects.create(
            model_id="demo", source_set="demo", layer=1, index=index, dashboard=_dashboard(token)
        )
    Feature.objects.create(
        model_id="demo",
        source_set="demo",
        layer=1,
        index=3,
        dashboard={"examples_quantiles": [], "top_logits": ["x"]},
    )
    Feature.objects.create(
        model_id="demo", source_set="demo", layer=2, index=0, dashboard=_dashboard(" Salem")
    )


def _start(**scope) -> AutoInterpRun:
    """A run recorded but not handed to a worker: the test executes it itself."""
    return start_run(created_by=None, model_id="demo", source_set="demo", **scope)


@pytest.mark.django_db
def test_a_layer_run_explains_each_feature_with_progress(serve, demo_set, monkeypatch):
    monkeypatch.setattr("graphs.explanations.services.autointerp_runs.enqueue", lambda run_id: None)
    server = serve(
        Step(body=completion("say Austin")),
        Step(429, {"error": {}}),
        Step(body=completion("Label: say Denver.")),
        Step(body=completion("")),
    )
    run = _start(layer=1)
    assert run.total == 4 and run.state == AutoInterpRun.State.QUEUED
    run = execute_run(run.pk)
    assert run.state == AutoInterpRun.State.SUCCEEDED, run.error
    assert (run.done, run.skipped, run.failed, run.calls) == (2, 1, 1, 4)
    rows = dict(Explanation.objects.values_list("index", "description"))
    assert rows == {0: "say Austin", 1: "say Denver"}
    row = Explanation.objects.get(index=0)
    assert row.method == methods.MAX_ACT_LOGITS and row.explainer_model == "test-model"
    assert len(server.requests) == 4
    # A rerun replaces the texts instead of adding rows.
    serve(Step(body=completion("capital cities")))
    execute_run(_start(layer=1, index=0).pk)
    assert Explanation.objects.get(index=0).description == "capital cities"
    assert Explanation.objects.count() == 2


@pytest.mark.django_db
def test_an_endpoint_that_keeps_failing_fails_the_run_with_its_reason(serve, demo_set, monkeypatch):
    monkeypatch.setattr("graphs.explanations.services.autointerp_runs.enqueue", lambda run_id: None)
    serve(Step(503, {"error": {"message": "overloaded"}}))
    run = execute_run(_start().pk)
    assert run.state == AutoInterpRun.State.FAILED
    assert "last: HTTP 503" in run.error and run.calls == 3 and run.done == 0
    assert not Explanation.objects.exists()


@pytest.mark.django_db
def test_the_sets_budget_stops_a_run(serve, demo_set, settings, monkeypatch):
    monkeypatch.setattr("graphs.explanations.services.autointerp_runs.enqueue", lambda run_id: None)
    settings.AUTOINTERP_BUDGET_PER_SET = 2
    serve(Step(body=completion("a label")))
    run = execute_run(_start().pk)
    assert run.state == AutoInterpRun.State.FAILED and "budget of 2 endpoint calls" in run.error
    assert run.calls == 2 and Explanation.objects.count() == 2
    again = execute_run(_start(layer=2).pk)
    assert again.state == AutoInterpRun.State.FAILED and again.calls == 0


@pytest.mark.django_db
def test_staff_start_and_watch_runs_and_nobody_else_may(
    serve, demo_set, api, monkeypatch, django_capture_on_commit_callbacks
):
    started: list[str] = []
    monkeypatch.setattr("graphs.explanations.services.autointerp_runs.enqueue", started.append)
    serve(Step(body=completion("x")))
    body = {"model": "demo", "source_set": "demo", "layer": 1}
    for persona in ("owner", "outsider"):
        assert (
            api(persona).post("/api/explanations/autointerp/", body, format="json").status_code
            == 403
        )
        assert api(persona).get("/api/explanations/autointerp/").status_code == 403
    assert (
        APIClient().post("/api/explanations/autointerp/", body, format="json").status_code
        in ANONYMOUS_REFUSED
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api("staff").post("/api/explanations/autointerp/", body, format="json")
    assert response.status_code == 202 and response.json()["total"] == 4
    run_id = response.json()["id"]
    assert started == [run_id]
    assert api("staff").get(f"/api/explanations/autointerp/{run_id}/").json()["state"] == "queued"
    assert api("owner").get(f"/api/explanations/autointerp/{run_id}/").status_code == 403
    bad = api("staff").post(
        "/api/explanations/autointerp/", {"model": "demo", "source_set": "nope"}, format="json"
    )
    assert bad.status_code == 400 and "source_set" in bad.json()


@pytest.mark.django_db
def test_an_unconfigured_endpoint_refuses_runs_clearly(settings, demo_set, api):
    settings.AUTOINTERP_BASE_URL = ""
    response = api("staff").post(
        "/api/explanations/autointerp/", {"model": "demo", "source_set": "demo"}, format="json"
    )
    assert response.status_code == 503 and "AUTOINTERP_BASE_URL" in response.json()["detail"]
    with pytest.raises(CommandError, match="AUTOINTERP_BASE_URL"):
        call_command("autointerp", "demo", "demo")


@pytest.mark.django_db(transaction=True)
def test_the_command_runs_in_process_without_redis(serve, demo_set, settings, capsys):
    settings.REDIS_URL = None
    serve(Step(body=completion("say it")))
    call_command("autointerp", "demo", "demo", "--layer", "2")
    out = capsys.readouterr().out
    assert "succeeded: 1/1 (explained 1" in out
    assert Explanation.objects.get().description == "say it"


@pytest.mark.django_db
def test_a_run_abandoned_by_its_worker_is_resumed_not_restarted(serve, demo_set, monkeypatch):
    monkeypatch.setattr("graphs.explanations.services.autointerp_runs.enqueue", lambda run_id: None)
    server = serve(Step(body=completion("resumed")))
    run = _start(layer=1)
    started = timezone.now() - timedelta(hours=1)
    AutoInterpRun.objects.filter(pk=run.pk).update(
        state=AutoInterpRun.State.RUNNING,
        started_at=started,
        done=1,
        calls=1,
        progress_at=started + timedelta(minutes=1),
    )
    Explanation.objects.create(  # what the dead worker stored before it died
        model_id="demo",
        source_set="demo",
        layer=1,
        index=0,
        description="before",
        method=methods.MAX_ACT_LOGITS,
        explainer_model="test-model",
        created_at=started + timedelta(seconds=30),
    )
    run = execute_run(run.pk)
    assert run.state == AutoInterpRun.State.SUCCEEDED
    assert (run.done, run.skipped, run.calls) == (3, 1, 3)
    assert len(server.requests) == 2  # features 1 and 2; 0 was done, 3 is dead
    assert Explanation.objects.get(index=0).description == "before"


@pytest.mark.django_db
def test_a_running_run_with_recent_progress_is_left_to_its_worker(serve, demo_set, monkeypatch):
    monkeypatch.setattr("graphs.explanations.services.autointerp_runs.enqueue", lambda run_id: None)
    server = serve(Step(body=completion("x")))
    run = _start(layer=1)
    AutoInterpRun.objects.filter(pk=run.pk).update(
        state=AutoInterpRun.State.RUNNING, started_at=timezone.now(), progress_at=timezone.now()
    )
    assert execute_run(run.pk).state == AutoInterpRun.State.RUNNING
    assert server.requests == []
