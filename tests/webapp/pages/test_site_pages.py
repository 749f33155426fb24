"""The validator page and the site frame: CSRF for the API call, local assets only (no CDN)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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
