"""The validator page in headless Chromium: paste or choose a file, see problems by path and the
suggestions; server text is shown as text, never as markup."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from graphs.testing import build_graph_document
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def validator_page(browser, live_server):
    """The validator page, signed in (so the API call must carry the CSRF token)."""
    client = Client()
    client.force_login(UserFactory(username="validator-user"))
    context = browser.new_context(bypass_csp=True)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(live_server.url + "/validate/")
    yield page
    context.close()


def run_validation(page) -> str:
    with page.expect_response("**/api/validate/") as answer:
        page.click("#validate-button")
    assert answer.value.status == 200, answer.value.text()
    page.wait_for_selector("#results .status-ok, #results .status-bad")
    return page.inner_text("#results")


def test_it_lists_problems_by_path_and_suggestions(validator_page):
    document = build_graph_document()
    document["links"][0]["target"] = "no-such-node"
    document["nodes"][1]["node_id"] = document["nodes"][0]["node_id"]
    document["nodes"][2]["ctx_idx"] = 99
    validator_page.fill("#graph-text", json.dumps(document))
    text = run_validation(validator_page)
    assert "problems found" in text
    problems = validator_page.locator(".problems li .path").all_inner_texts()
    assert "links[0].target" in problems
    assert "nodes[2].ctx_idx" in problems
    assert any(path.startswith("nodes[1]") for path in problems)
    suggestions = validator_page.locator(".suggestions li .path").all_inner_texts()
    assert "metadata.info" in suggestions or any(
        s.startswith("metadata.info.") for s in suggestions
    )
    assert validator_page.errors == []


def test_a_valid_file_chosen_from_disk(validator_page, tmp_path):
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(build_graph_document()))
    validator_page.set_input_files("#graph-file", str(path))
    assert "graph.json" in validator_page.inner_text("#file-name")
    text = run_validation(validator_page)
    assert "The graph is valid." in text
    assert validator_page.locator(".problems li").count() == 0


def test_markup_in_the_answer_is_shown_as_text(validator_page):
    document = build_graph_document()
    document["nodes"][0]["feature_type"] = "<img src=x onerror=window.__pwned=1>"
    validator_page.fill("#graph-text", json.dumps(document))
    text = run_validation(validator_page)
    assert "'<img src=x onerror=window.__pwned=1>' is not a known feature type" in text
    assert validator_page.locator("#results img").count() == 0
    assert validator_page.evaluate("window.__pwned === undefined")


def test_broken_json_is_reported_not_crashed(validator_page):
    validator_page.fill("#graph-text", '{"metadata": {"slug": "x"}, "nodes": [')
    with validator_page.expect_response("**/api/validate/"):
        validator_page.click("#validate-button")
    validator_page.wait_for_selector("#results .status-bad")
    assert "truncated" in validator_page.inner_text("#results .problems")
    assert validator_page.errors == []
