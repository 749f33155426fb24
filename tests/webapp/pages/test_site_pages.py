"""The validator page and the site frame: CSRF for the API call, local assets only (no CDN)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
REPO_ROOT = Path(__file__).resolve().parents[3]


def test_the_validator_page_carries_the_csrf_token_and_its_script(as_user):
    content = as_user(None).get("/validate/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in content
    assert 'data-endpoint="/api/validate/"' in content
    assert '<script src="/static/pages/validator.js"></script>' in content


@pytest.mark.parametrize(
    "path", ["/", "/graphs/public/", "/validate/", "/accounts/login/", "/accounts/signup/"]
)
def test_pages_load_only_local_assets(as_user, path):
    content = as_user(None).get(path).content.decode()
    sources = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', content)
    assert sources, "the page should load its stylesheet"
    assert all(source.startswith("/static/") for source in sources), sources


def test_the_validator_script_never_uses_inner_html():
    # The shipped bundle: the page's code and every shared helper it imports.
    script = (REPO_ROOT / "webapp" / "static" / "pages" / "validator.js").read_text()
    assert "innerHTML" not in script
    assert "insertAdjacentHTML" not in script and "document.write" not in script
    assert "textContent" in script


def test_navigation_follows_the_user(as_user, owner):
    anonymous = as_user(None).get("/").content.decode()
    assert 'href="/accounts/login/"' in anonymous and "My graphs" not in anonymous
    signed_in = as_user(owner).get("/").content.decode()
    assert 'href="/graphs/mine/"' in signed_in and 'action="/accounts/logout/"' in signed_in


def test_the_health_probe_answers(as_user):
    response = as_user(None).get("/healthz/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_a_private_graph_link_answers_our_own_404_with_a_way_to_sign_in(make_graph, outsider):
    graph = make_graph("private")
    anonymous = Client().get(f"/graphs/{graph.pk}/")
    assert anonymous.status_code == 404
    body = anonymous.content.decode()
    assert "Graph not found" in body and "/accounts/login/?next=" in body
    assert "URLconf" not in body  # not Django's technical page, even with DEBUG on
    client = Client()
    client.force_login(outsider)
    signed_in = client.get(f"/graphs/{graph.pk}/").content.decode()
    assert "ask its owner to add <strong>mallory</strong>" in signed_in


def test_the_favicon_is_served():
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == static("favicon.svg")
    assert "<svg" in Path(finders.find("favicon.svg")).read_text()
    assert f'rel="icon" href="{static("favicon.svg")}"' in Client().get("/").content.decode()


def test_my_graphs_points_to_the_upload_page(as_user, owner):
    page = as_user(owner).get("/graphs/mine/").content.decode()
    assert 'href="/graphs/upload/"' in page and "Upload a graph" in page
