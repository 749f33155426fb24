"""Stored XSS in the explorer, which renders user text in the browser: graph title, prompt
tokens, node labels, subgraph and supernode names, collaborator usernames and activity entries.

The browser test stores payloads through the API, opens the graph page in headless Chromium (the
`browser` fixture; it skips where no Chromium is installed) and asserts that no dialog fires, no
injected element exists and the payloads show as text. The source test checks, without a
browser, that our front-end code never hands text to an HTML parser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from graphs.models import Graph
from tests.security.hostile import IMG, SCRIPT, hostile_document, hostile_subgraph

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted((REPO / "webapp" / "frontend" / "src").glob("*.js")) + sorted(
    (REPO / "webapp" / "static" / "js").glob("*.js")
)
HTML_SINKS = re.compile(
    r"\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(|\.html\("
)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_front_end_code_writes_user_text_as_text_only(source):
    code = "\n".join(
        line for line in source.read_text().splitlines() if not line.lstrip().startswith("//")
    )
    assert not HTML_SINKS.findall(code), f"{source.name} hands a string to the HTML parser"


def test_links_built_by_the_explorer_are_never_taken_from_user_text():
    # Only three links are built in the browser: a blob: download, an https Neuronpedia URL and
    # the site-relative feature page, whose variable parts are encodeURIComponent'ed or numbers.
    hrefs = [
        line.strip()
        for source in SOURCES
        for line in source.read_text().splitlines()
        if re.search(r"\bhref\s*:", line)
    ]
    for line in hrefs:
        assert any(safe in line for safe in ("URL.createObjectURL", "href: np", "href: page")), line
    features = (REPO / "webapp" / "frontend" / "src" / "features.js").read_text()
    assert "https://www.neuronpedia.org/${encodeURIComponent(" in features
    assert "const page = state.explanations?.pageUrl(node);" in features
    explanations = (REPO / "webapp" / "frontend" / "src" / "explanations.js").read_text()
    assert (
        "`/features/${seg(this.source.model)}/${seg(this.source.source_set)}/${seg(node.layer)}/${seg(node.index)}/`"
        in explanations
    )
    assert "const seg = encodeURIComponent;" in explanations


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_explorer_shows_hostile_text_inert(open_page, personas, settings):
    owner = personas["owner"]
    collaborator = personas["collaborator"]
    collaborator.username = f"c{IMG}"  # an admin-made name nobody can pick at sign-up
    collaborator.save()
    owner_api, collab_api = Client(), Client()
    owner_api.force_login(owner)
    collab_api.force_login(collaborator)
    body = json.dumps(hostile_document()).encode()
    created = owner_api.post("/api/graphs/?title=t", body, content_type="application/json")
    assert created.status_code == 201
    graph = Graph.objects.get(pk=created.json()["id"])
    owner_api.patch(f"/api/graphs/{graph.pk}/", {"title": SCRIPT}, content_type="application/json")
    owner_api.post(
        f"/api/graphs/{graph.pk}/collaborators/",
        {"user": collaborator.username, "role": "editor"},
        content_type="application/json",
    )
    saved = collab_api.post(
        f"/api/graphs/{graph.pk}/subgraphs/",
        hostile_subgraph(body),
        content_type="application/json",
    )
    assert saved.status_code == 201

    page = open_page(f"/graphs/{graph.pk}/?subgraph={saved.json()['id']}", owner)
    page.wait_for_selector("#ex-saved[data-loaded='true']")
    page.wait_for_timeout(500)  # the activity list and the loaded subgraph render
    if page.locator("#cs-share-open").count():
        page.click("#cs-share-open")  # lists the collaborators
        page.wait_for_timeout(300)
    injected = page.evaluate(
        """() => ({
            imgs: document.querySelectorAll('img[src="x"], [onerror]').length,
            scripts: [...document.scripts].filter(s => !s.src).length,
        })"""
    )
    assert injected == {"imgs": 0, "scripts": 0}
    assert page.dialogs == []
    assert page.errors == []
    text = page.text_content("body")
    assert SCRIPT in text and IMG in text  # shown, as text
