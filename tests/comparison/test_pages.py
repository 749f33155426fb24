"""The comparison pages: choosing graph B offers only graphs of A's model the visitor may open,
a pasted address leads to the comparison, and hidden or mismatched graphs are refused."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import GraphFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_as(cast):
    """A browser client signed in as the named persona ("anonymous": signed out)."""

    def make(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(cast.user(persona))
        return client

    return make


def test_the_chooser_lists_only_openable_graphs_of_the_same_model(cast, client_as):
    a = GraphFactory(owner=cast.owner, visibility="public", model_id="m", title="Dallas")
    GraphFactory(owner=cast.outsider, visibility="public", model_id="m", title="Seattle")
    GraphFactory(owner=cast.outsider, visibility="private", model_id="m", title="Secret plan")
    GraphFactory(owner=cast.outsider, visibility="unlisted", model_id="m", title="Unlisted one")
    GraphFactory(owner=cast.outsider, visibility="public", model_id="other", title="Other model")
    GraphFactory(owner=cast.owner, visibility="private", model_id="m", title="My draft")
    as_owner = client_as("owner").get(f"/graphs/{a.pk}/compare/").content.decode()
    assert "Seattle" in as_owner and "My draft" in as_owner
    assert "Secret plan" not in as_owner and "Unlisted one" not in as_owner
    assert "Other model" not in as_owner
    anonymous = client_as("anonymous").get(f"/graphs/{a.pk}/compare/").content.decode()
    assert "Seattle" in anonymous and "My draft" not in anonymous


def test_a_pasted_address_leads_to_the_comparison(cast, client_as):
    a = GraphFactory(owner=cast.owner, visibility="public", model_id="m")
    b = GraphFactory(owner=cast.outsider, visibility="unlisted", model_id="m")
    client = client_as("viewer")
    response = client.get(f"/graphs/{a.pk}/compare/", {"other": f"https://x.org/graphs/{b.pk}/"})
    assert response.status_code == 302
    assert response["Location"] == f"/graphs/{a.pk}/compare/{b.pk}/"
    page = client.get(response["Location"])
    assert (
        page.status_code == 200 and f"/api/graphs/{a.pk}/compare/{b.pk}/" in page.content.decode()
    )
    bad = client.get(f"/graphs/{a.pk}/compare/", {"other": "not a graph"})
    assert bad.status_code == 400 and "neither a graph id" in bad.content.decode()


@pytest.mark.parametrize("hidden", ["a", "b"])
def test_a_hidden_graph_on_either_side_is_our_404(cast, client_as, hidden):
    private = GraphFactory(owner=cast.owner, visibility="private", model_id="m")
    public = GraphFactory(owner=cast.owner, visibility="public", model_id="m")
    a, b = (private, public) if hidden == "a" else (public, private)
    response = client_as("outsider").get(f"/graphs/{a.pk}/compare/{b.pk}/")
    assert response.status_code == 404 and "Graph not found" in response.content.decode()


def test_graphs_of_different_models_get_the_reason_and_the_chooser(cast, client_as):
    a = GraphFactory(owner=cast.owner, visibility="public", model_id="m")
    b = GraphFactory(owner=cast.owner, visibility="public", model_id="n")
    response = client_as("owner").get(f"/graphs/{a.pk}/compare/{b.pk}/")
    assert response.status_code == 400
    assert "compare graphs of one model" in response.content.decode()


def test_titles_are_escaped(cast, client_as):
    a = GraphFactory(owner=cast.owner, visibility="public", model_id="m", title="<b>bold</b>")
    b = GraphFactory(owner=cast.owner, visibility="public", model_id="m", title="<i>it</i>")
    page = client_as("owner").get(f"/graphs/{a.pk}/compare/{b.pk}/").content.decode()
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    chooser = client_as("owner").get(f"/graphs/{a.pk}/compare/").content.decode()
    assert "<i>it</i>" not in chooser
