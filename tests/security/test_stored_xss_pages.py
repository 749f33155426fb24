"""Stored XSS, server side: hostile text stored through the API (titles, descriptions, prompts,
slugs, node labels, subgraph and supernode names, collaborator usernames, token names, generator
links) is escaped on every server-rendered page that shows it, links never take a javascript:
URL, and templates embed no data in inline scripts. The explorer, which renders the rest in the
browser, is in test_stored_xss_explorer.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client

from graphs.generation.models import GenerationJob
from graphs.models import Graph
from tests.factories import UserFactory
from tests.security.hostile import IMG, SCRIPT, hostile_document, hostile_subgraph

pytestmark = pytest.mark.django_db

RAW = [SCRIPT, "<img src=x onerror", "<script>alert"]
REPO = Path(__file__).resolve().parents[2]


def assert_inert(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{where}: unescaped {raw!r}"
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", html, re.I), where


@pytest.fixture
def hostile(settings, words_entry):
    owner = UserFactory(username="owner-x")
    # An account name nobody can pick at sign-up, as an admin could create it.
    collaborator = UserFactory(username=f"c{IMG}")
    owner_client, collab_client = Client(), Client()
    owner_client.force_login(owner)
    collab_client.force_login(collaborator)
    body = json.dumps(hostile_document()).encode()
    refused = owner_client.post(
        f"/api/graphs/?{urlencode({'slug': IMG})}", body, content_type="application/json"
    )
    assert refused.status_code == 400 and "slug" in refused.json()["detail"]
    query = urlencode({"visibility": "public", "title": SCRIPT, "description": IMG})
    created = owner_client.post(f"/api/graphs/?{query}", body, content_type="application/json")
    assert created.status_code == 201, created.content[:300]
    graph = Graph.objects.get(pk=created.json()["id"])
    assert SCRIPT in graph.title and IMG in graph.description and SCRIPT in graph.prompt
    api = f"/api/graphs/{graph.pk}/"
    assert (
        owner_client.post(
            f"{api}collaborators/",
            {"user": collaborator.username, "role": "editor"},
            content_type="application/json",
        ).status_code
        == 201
    )
    saved = collab_client.post(
        f"{api}subgraphs/", hostile_subgraph(body), content_type="application/json"
    )
    assert saved.status_code == 201, saved.content[:300]
    assert owner_client.post("/accounts/tokens/", {"name": SCRIPT}).status_code == 200
    settings.GENERATION_MAX_QUEUED = 5
    job = owner_client.post(
        "/api/generations/",
        {"model": "words", "prompt": f"{SCRIPT} {IMG}"},
        content_type="application/json",
    )
    assert job.status_code == 202, job.content[:300]
    return {
        "owner": owner_client,
        "collaborator": collab_client,
        "graph": graph,
        "job": GenerationJob.objects.get(pk=job.json()["id"]),
    }


def test_it_escapes_stored_text_on_every_page_that_shows_it(hostile):
    graph, owner, collab = hostile["graph"], hostile["owner"], hostile["collaborator"]
    pages = {
        "graph page (owner)": (owner, f"/graphs/{graph.pk}/"),
        "graph page (anonymous)": (Client(), f"/graphs/{graph.pk}/"),
        "home": (Client(), "/"),
        "public graphs": (Client(), "/graphs/public/"),
        "my graphs": (owner, "/graphs/mine/"),
        "shared with me": (collab, "/graphs/shared/"),
        "job page": (owner, f"/generations/{hostile['job'].pk}/"),
        "tokens page": (owner, "/accounts/tokens/"),
        "signed-in nav (collaborator)": (collab, "/validate/"),
    }
    for where, (client, path) in pages.items():
        response = client.get(path)
        assert response.status_code == 200, where
        html = response.content.decode()
        assert_inert(html, where)
        # It was shown, escaped: the test would prove nothing on a page that hid the text.
        assert "&lt;script&gt;" in html or "&lt;img" in html or "&quot;&gt;&lt;img" in html, where


def test_the_generator_link_never_becomes_a_javascript_url(hostile):
    html = hostile["owner"].get(f"/graphs/{hostile['graph'].pk}/").content.decode()
    assert 'href="javascript:' not in html.lower()
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html  # the generator's name, as text


def test_the_revoked_token_message_is_escaped(hostile):
    from webapp.accounts.models import ApiToken

    token = ApiToken.objects.get(name=SCRIPT)
    response = hostile["owner"].post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)
    html = response.content.decode()
    assert_inert(html, "message after revoking")
    assert "&lt;script&gt;" in html


def test_api_answers_are_json_that_browsers_will_not_sniff_as_html(hostile):
    graph = hostile["graph"]
    for path in (
        f"/api/graphs/{graph.pk}/",
        f"/api/graphs/{graph.pk}/data/",
        f"/api/graphs/{graph.pk}/subgraphs/",
        f"/api/graphs/{graph.pk}/activity/",
    ):
        response = hostile["owner"].get(path)
        assert response["Content-Type"].startswith("application/json"), path
        assert response["X-Content-Type-Options"] == "nosniff", path


TEMPLATES = sorted((REPO / "graphs" / "templates").rglob("*.html")) + sorted(
    (REPO / "webapp" / "templates").rglob("*.html")
)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_embed_data_as_escaped_attributes_or_json_script_only(template):
    text = template.read_text()
    assert "{% autoescape off" not in text
    # |safe only on help texts written in our code (Django's password rules), never user data.
    for use in re.findall(r"\{\{[^}]*\|\s*safe[^}]*\}\}", text):
        assert "help_text" in use, f"{template.name}: {use}"
    # No template variable inside an inline <script>: data goes through data-* attributes
    # (autoescaped) or `json_script`, never into JavaScript source.
    for script in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", text, re.S):
        assert "{{" not in script and "{%" not in script, (
            f"{template.name}: inline script with data"
        )
