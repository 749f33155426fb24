"""Every page and answer carries a Content-Security-Policy: scripts from this site only, fetches
to this site and FEATURE_JSON_HOSTS only, no framing except a graph's embed mode, which
EMBED_FRAME_ANCESTORS opens (instead of an X-Frame-Options DENY that no setting could lift)."""

from __future__ import annotations

import pytest

from graphs.models import Visibility
from tests.factories import GraphFactory

pytestmark = pytest.mark.django_db

PATHS = [
    "/",
    "/graphs/public/",
    "/validate/",
    "/accounts/login/",
    "/accounts/signup/",
    "/api/",
    "/api/graphs/",
    "/api/docs/",
    "/admin/login/",
    "/healthz/",
    "/no-such-page/",
]


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in header.split("; ")}


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_has_the_policy(client, path):
    policy = directives(client.get(path))
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


def test_fetches_go_to_this_site_and_the_listed_feature_hosts_only(client, settings):
    assert directives(client.get("/"))["connect-src"] == (
        "'self' https://www.neuronpedia.org https://neuronpedia.org"
    )
    settings.FEATURE_JSON_HOSTS = ["features.example.org"]
    assert directives(client.get("/"))["connect-src"] == "'self' https://features.example.org"


def test_the_graph_page_tells_the_explorer_the_listed_hosts(client, settings):
    settings.FEATURE_JSON_HOSTS = ["features.example.org", "NP.example"]
    graph = GraphFactory(visibility=Visibility.PUBLIC)
    page = client.get(f"/graphs/{graph.pk}/").content.decode()
    assert 'data-feature-json-hosts="features.example.org,np.example"' in page


def test_only_embed_mode_may_be_framed_and_by_whom_is_a_setting(client, settings):
    graph = GraphFactory(visibility=Visibility.PUBLIC)
    page = client.get(f"/graphs/{graph.pk}/")
    assert page["X-Frame-Options"] == "DENY"
    assert directives(page)["frame-ancestors"] == "'none'"
    embed = client.get(f"/graphs/{graph.pk}/?embed=true")
    assert "X-Frame-Options" not in embed
    assert directives(embed)["frame-ancestors"] == "*"
    settings.EMBED_FRAME_ANCESTORS = "'self' https://blog.example.org"
    embed = client.get(f"/graphs/{graph.pk}/?embed=true")
    assert directives(embed)["frame-ancestors"] == "'self' https://blog.example.org"


def test_the_api_docs_load_their_script_from_this_site(client):
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page
    assert client.get("/api/docs/?script").status_code == 200
