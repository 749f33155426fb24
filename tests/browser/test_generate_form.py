"""The generate form in headless Chromium over a real ASGI server: the registry fills the form, the
token preview, refusals shown by field, live progress over the job's websocket, cancelling, and the
job page opening the stored graph."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from graphs.generation import registry
from graphs.generation.models import GenerationJob
from graphs.generation.registry import get_entry
from graphs.generation.services import dispatch, jobs
from graphs.testing import build_graph_document
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PREVIEW = {
    "tokens": ["<bos>", "the", "cat"],
    "n_tokens": 3,
    "max_prompt_tokens": 8,
    "top_next": [{"token": " sat", "prob": 0.5}],
}


@pytest.fixture
def owner(transactional_db):
    return UserFactory(username="generator")


@pytest.fixture
def open_signed_in(browser, asgi_server, owner, words_entry, monkeypatch):
    """Pages of the ASGI server, signed in as the owner. No worker runs: jobs stay queued until the
    test moves them on through the job services, and the preview answers from a stub."""
    registry._load.cache_clear()  # the test registry (words_entry) replaces any loaded before
    monkeypatch.setattr(dispatch, "enqueue_job", lambda job_id, entry: None)
    monkeypatch.setattr(dispatch, "tokenize", lambda entry, prompt: PREVIEW)
    client = Client()
    client.force_login(owner)
    context = browser.new_context(bypass_csp=True)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": asgi_server}]
    )

    def open_(path: str):
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(asgi_server + path)
        return page

    yield open_
    context.close()
    registry._load.cache_clear()


def test_it_previews_submits_follows_the_job_and_cancels(open_signed_in):
    page = open_signed_in("/")
    form = page.locator(".generate")
    page.wait_for_selector(".generate select[name=model] option[value=words]", state="attached")
    page.select_option(".generate select[name=model]", "words")
    spec = get_entry("words").as_dict()["settings"]["max_feature_nodes"]
    setting = form.locator("[data-role=settings] input[name=max_feature_nodes]")
    bounds = [setting.get_attribute(name) for name in ("min", "max", "step")]
    assert bounds == [str(spec["min"]), str(spec["max"]), "1"]
    assert setting.input_value() == str(spec["default"])
    assert "At most 8 prompt tokens" in form.locator("[data-role=model-help]").inner_text()

    page.fill("#gen-prompt", "the cat")
    form.locator("[data-role=preview]").click()
    expect(form.locator("[data-role=token-count]")).to_have_text("3 / 8 tokens")
    assert form.locator("[data-role=tokens] .tok").all_inner_texts() == ["<bos>", "the", "cat"]
    assert form.locator("[data-role=tokens] .next").inner_text() == 'next: " sat" 50.0%'

    # Too many tokens: the refusal is shown by field, and nothing is queued.
    page.fill("#gen-prompt", "the cat sat on the mat a dog ran")
    with page.expect_response("**/api/generations/") as refused:
        form.locator("button[type=submit]").click()
    assert refused.value.status == 400
    expect(form.locator("[data-role=errors]")).to_contain_text("prompt: ")

    page.fill("#gen-prompt", "the cat sat")
    with page.expect_response("**/api/generations/") as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 202
    job_id = answer.value.json()["id"]
    expect(form.locator("[data-role=errors]")).to_have_text("")
    expect(form.locator("[data-role=state]")).to_have_text("queued")

    jobs.claim(job_id, "worker-a")
    jobs.progress(job_id, "worker-a", "forward", 1, 4)
    expect(form.locator("[data-role=phase]")).to_have_text("forward")
    expect(form.locator("[data-role=steps]")).to_have_text("1/4")
    assert form.locator("[data-role=state]").inner_text() == "running"
    assert form.locator("[data-role=bar]").evaluate("bar => bar.value") == pytest.approx(1.25 / 7)

    with page.expect_response(lambda r: r.request.method == "DELETE") as cancelled:
        form.locator("[data-role=cancel]").click()
    assert cancelled.value.status == 200, cancelled.value.text()
    expect(form.locator("[data-role=state]")).to_have_text("cancelled")
    expect(form.locator("[data-role=cancel]")).to_have_js_property("hidden", True)
    expect(form.locator("[data-role=cancel]")).to_be_hidden()  # not merely flagged: not shown
    assert GenerationJob.objects.get(pk=job_id).state == "cancelled"
    assert page.errors == []


def open_job_page(open_signed_in, owner):
    """A queued job of the owner's, and its page once it shows the job queued."""
    job = GenerationJob.objects.create(
        owner=owner,
        model_id="words",
        prompt="the cat",
        slug="the-cat",
        visibility="private",
        request_key="k",
    )
    page = open_signed_in(f"/generations/{job.id}/")
    state = page.locator(".generate [data-role=progress] [data-role=state]")
    expect(state).to_have_text("queued")
    return job, page


def test_the_job_page_follows_a_job_and_opens_its_graph(open_signed_in, owner):
    job, page = open_job_page(open_signed_in, owner)
    progress = page.locator(".generate [data-role=progress]")
    assert page.locator(".generate form").count() == 0

    jobs.claim(job.id, "worker-a")
    expect(progress.locator("[data-role=phase]")).to_have_text("loading")
    with page.expect_navigation():
        jobs.succeed(job.id, "worker-a", build_graph_document(slug="the-cat", scan="words"))
    graph = GenerationJob.objects.get(pk=job.id).graph
    assert page.url.rstrip("/").endswith(f"/graphs/{graph.pk}")
    assert page.errors == []


def test_models_that_cannot_run_are_listed_disabled_with_the_reason(
    open_signed_in, monkeypatch, tmp_path
):
    import huggingface_hub.constants

    from graphs.generation import availability

    monkeypatch.setattr(availability, "_embedded_checks", {})
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    page = open_signed_in("/")
    gemma = page.locator(".generate select[name=model] option[value='gemma-2-2b']")
    gemma.wait_for(state="attached")
    assert gemma.evaluate("option => option.disabled") is True
    assert "Hugging Face cache" in gemma.get_attribute("title")
    # A model that can run is the one selected, and the form can be sent.
    assert page.locator(".generate select[name=model]").input_value() in {"demo", "words"}
    assert page.locator(".generate button[type=submit]").is_enabled()
    notes = page.locator(".generate [data-role=unavailable] li").all_inner_texts()
    assert any(note.startswith("Gemma 2 2B") and "Hugging Face cache" in note for note in notes)
    assert page.errors == []


def test_the_preview_warns_about_tokens_outside_the_vocabulary(open_signed_in, monkeypatch):
    answer = {**PREVIEW, "tokens": ["<bos>", "the", "<unk>"], "unknown_tokens": 1}
    monkeypatch.setattr(dispatch, "tokenize", lambda entry, prompt: answer)
    page = open_signed_in("/")
    page.wait_for_selector(".generate select[name=model] option[value=words]", state="attached")
    page.select_option(".generate select[name=model]", "words")
    page.fill("#gen-prompt", "the zzyzx")
    page.locator(".generate [data-role=preview]").click()
    expect(page.locator(".generate [data-role=unknown-tokens]")).to_contain_text(
        "1 token is unknown to this model's vocabulary"
    )
    assert page.errors == []


def test_a_failed_job_shows_its_reason_and_no_cancel_button(open_signed_in, owner):
    job, page = open_job_page(open_signed_in, owner)
    progress = page.locator(".generate [data-role=progress]")
    jobs.claim(job.id, "worker-a")
    jobs.fail(job.id, "the engine ran out of patience", "worker-a")
    expect(progress.locator("[data-role=state]")).to_have_text("failed")
    expect(progress).to_contain_text("the engine ran out of patience")
    expect(progress.locator("[data-role=cancel]")).to_be_hidden()
    assert page.errors == []


def test_it_asks_for_chosen_tokens_or_a_logit_difference(open_signed_in):
    page = open_signed_in("/")
    form = page.locator(".generate")
    page.wait_for_selector(".generate select[name=model] option[value=words]", state="attached")
    page.select_option(".generate select[name=model]", "words")
    salient = form.locator("[data-role=settings] input[name=max_n_logits]")
    expect(form.locator("[data-role=target-tokens]")).to_be_hidden()
    assert salient.is_enabled()

    # A next token of the preview becomes a target, the spaces of its text kept.
    page.fill("#gen-prompt", "the cat")
    form.locator("[data-role=preview]").click()
    form.locator("[data-role=tokens] .next button[data-token=' sat']").click()
    expect(form.locator("[data-role=target-tokens]")).to_be_visible()
    assert form.locator("input[name=target_mode][value=tokens]").is_checked()
    assert form.locator("#gen-targets").input_value() == " sat"
    assert salient.is_disabled()  # it only chooses salient logits
    form.locator("#gen-targets").press("End")
    form.locator("#gen-targets").type("\n#8")
    with page.expect_response("**/api/generations/") as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 202, answer.value.text()
    sent = answer.value.request.post_data_json
    assert sent["targets"] == [" sat", 8] and "max_n_logits" not in sent
    job = GenerationJob.objects.get(pk=answer.value.json()["id"])
    assert job.settings["targets"] == [" sat", 8] and "desired_logit_prob" not in job.settings

    # A logit difference with a word outside the vocabulary: refused, shown by field.
    form.locator("input[name=target_mode][value=logit_diff]").check()
    expect(form.locator("[data-role=target-diff]")).to_be_visible()
    expect(form.locator("[data-role=target-tokens]")).to_be_hidden()
    page.fill("input[name=logit_diff_a]", "mat")
    page.fill("input[name=logit_diff_b]", "hat")
    with page.expect_response("**/api/generations/") as refused:
        form.locator("button[type=submit]").click()
    assert refused.value.status == 400
    expect(form.locator("[data-role=errors]")).to_contain_text("logit_diff: ")
    expect(form.locator("[data-role=errors]")).to_contain_text("'hat' is not one token")
    page.fill("input[name=logit_diff_b]", "dog")
    with page.expect_response("**/api/generations/") as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 202, answer.value.text()
    assert answer.value.request.post_data_json["logit_diff"] == ["mat", "dog"]

    # Back to the default: the salient settings are sent again.
    form.locator("input[name=target_mode][value=salient]").check()
    assert salient.is_enabled()
    with page.expect_response("**/api/generations/") as answer:
        form.locator("button[type=submit]").click()
    sent = answer.value.request.post_data_json
    assert "targets" not in sent and "logit_diff" not in sent and sent["max_n_logits"] == 10
    assert page.errors == []
