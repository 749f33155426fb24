"""Collaboration in two browsers: the owner shares the graph with an editor through the Share
dialog; the editor, in a second browser context, saves a subgraph; the owner's page lists it
with the editor's name and shows it in the activity list, live (no reload), over the websocket."""

from __future__ import annotations

import pytest
from django.test import Client

from graphs.collab.models import Collaborator
from graphs.models import Subgraph
from tests.factories import GraphFactory, UserFactory

pytestmark = pytest.mark.browser

NAME = "<b>eddie</b>'s circuit"


def signed_in(browser, base_url: str, user):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    client = Client()
    client.force_login(user)
    ctx.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return ctx, page


def open_graph(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("window.__explorer && window.__explorer.ready", timeout=20000)
    # The subgraph list loads after the graph; it re-renders its panel when it arrives.
    page.wait_for_selector("#ex-saved[data-loaded='true']")


def test_the_owner_invites_an_editor_whose_subgraph_appears_live(
    browser,
    asgi_server,
    synthetic_graph,
    settings,
    tmp_path,
    shot,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    owner, editor = UserFactory(username="olga"), UserFactory(username="eddie")
    graph = GraphFactory(
        owner=owner,
        document=synthetic_graph,
        slug="synthetic-explorer",
        model_id=synthetic_graph["metadata"]["scan"],
        visibility="private",
    )
    url = f"{asgi_server}/graphs/{graph.pk}/"
    owner_ctx, owners = signed_in(browser, asgi_server, owner)
    editor_ctx, editors = signed_in(browser, asgi_server, editor)
    try:
        # Before the invitation the editor may not see the private graph.
        assert editors.goto(url).status == 404

        open_graph(owners, url)
        owners.wait_for_selector("#cs-activity[data-live='true']", timeout=10000)
        owners.click("#cs-share-open")
        owners.fill("#cs-share .cs-share-user", "eddie")
        owners.select_option("#cs-share .cs-share-role", "editor")
        owners.click("#cs-share .cs-share-add button[type=submit]")
        owners.wait_for_selector("#cs-share .cs-collaborators li[data-name='eddie']")
        assert Collaborator.objects.get(graph=graph, user=editor).role == "editor"
        shot(owners, "collab-share-dialog")
        owners.click("#cs-share .cs-share-close")

        open_graph(editors, url)
        editors.fill("#ex-saved .ex-save-name", NAME)
        editors.click("#ex-saved .ex-save")
        editors.wait_for_selector("#ex-saved .ex-share-url")
        saved = Subgraph.objects.get(graph=graph)
        assert (saved.author, saved.display_name) == (editor, NAME)

        # The owner's page learns of it over the websocket: no reload.
        row = owners.locator(f"#ex-saved .ex-all li[data-subgraph-id='{saved.pk}']")
        row.wait_for(timeout=10000)
        assert row.locator(".ex-load").text_content() == NAME
        assert row.locator(".ex-author").text_content().strip() == "by eddie"
        entry = owners.locator("#cs-activity .cs-activity-row").first
        entry.wait_for(timeout=10000)
        assert entry.locator(".cs-activity-actor").text_content() == "eddie"
        assert NAME in entry.text_content()
        # User text stays text: no <b> element was made from the name.
        assert owners.locator("#cs-activity b, #ex-saved b").count() == 0
        shot(owners, "collab-owner-sees-editor-subgraph")
        # The owner may copy it ("save as mine") and curate it (feature), not overwrite it.
        assert row.locator(".ex-duplicate").count() == 1
        row.locator(".ex-feature").click()
        owners.wait_for_selector(f"#ex-saved .ex-featured li[data-subgraph-id='{saved.pk}']")
        saved.refresh_from_db()
        assert saved.featured and saved.author == editor
        assert owners.errors == [] and editors.errors == []
    finally:
        owner_ctx.close()
        editor_ctx.close()
