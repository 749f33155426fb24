"""The web upload form's path: a signed-in browser session posts the file to POST /api/graphs/
with the page's CSRF token (graphs/templates/graphs/upload.html). Hostile files through that
door get the same answers as through the API; without the token nothing is stored."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from graphs.models import Graph
from tests.factories import UserFactory
from tests.fuzz.harness import fuzz_settings, stored_body_count
from tests.fuzz.hostile import DOCUMENT_KINDS, document_cases
from tests.fuzz.hostile_requests import TRANSPORT_KINDS, transport_cases
from tests.fuzz.oracle import check_upload

pytestmark = pytest.mark.django_db

FORM_EXAMPLES = 100
ENDPOINT = "form-upload"


@pytest.fixture
def browser() -> tuple[Client, str]:
    """A browser session that opened the upload page, and the CSRF token the page carries."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="form-fuzzer"))
    page = client.get("/graphs/upload/")
    assert page.status_code == 200
    token = re.search(rb'data-csrf="([^"]+)"', page.content)
    assert token, "the upload page carries no CSRF token"
    return client, token.group(1).decode()


ANY_CASE = st.one_of(
    *(document_cases(kind) for kind in sorted(DOCUMENT_KINDS)),
    *(transport_cases(how) for how in TRANSPORT_KINDS),
)


@fuzz_settings(FORM_EXAMPLES)
@given(case=ANY_CASE)
def test_it_answers_hostile_files_from_the_form_with_201_or_a_reason(
    browser, audited, media_root, tally, case
):
    client, token = browser
    check_upload(client, case, tally, media_root, endpoint=ENDPOINT, HTTP_X_CSRFTOKEN=token)


def test_it_stores_nothing_without_the_csrf_token(browser, media_root):
    client, _token = browser
    body = b'{"metadata": {}}'
    response = client.post("/api/graphs/", body, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Graph.objects.exists() and stored_body_count(media_root) == 0


def test_it_sends_a_visitor_who_is_not_signed_in_to_the_login_page():
    response = Client().get("/graphs/upload/")
    assert response.status_code == 302 and "login" in response["Location"]
