"""The Share dialog says when the graph is private: its links then open nothing for anyone else."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.factories import GraphFactory, UserFactory

pytestmark = pytest.mark.browser


def test_the_share_dialog_warns_while_the_graph_is_private(
    browser, asgi_server, synthetic_graph, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    owner = UserFactory(username="priya")
    graph = GraphFactory(
        owner=owner,
        document=synthetic_graph,
        slug="private-share",
        model_id=synthetic_graph["metadata"]["scan"],
        visibility="private",
    )
    client = Client()
    client.force_login(owner)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": asgi_server}]
    )
    page = context.new_page()
    try:
        page.goto(f"{asgi_server}/graphs/{graph.pk}/")
        page.wait_for_function("window.__explorer && window.__explorer.ready", timeout=20000)
        page.click("#cs-share-open")
        warning = page.locator("#cs-share .cs-share-warning")
        expect(warning).to_contain_text("This graph is private")
        page.select_option("#cs-share .cs-share-visibility", "unlisted")
        expect(warning).to_have_count(0)
    finally:
        context.close()
