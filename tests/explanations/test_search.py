"""Search: every word must match (as a prefix on PostgreSQL, a substring elsewhere), filters by
model and set, paginated, anonymous; and the API's refusals name the field."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from graphs.explanations import methods
from graphs.explanations.models import Explanation
from graphs.explanations.services.search import rows_of, search_ids

pytestmark = [pytest.mark.datalayer, pytest.mark.django_db]


@pytest.fixture
def rows():
    texts = [
        ("demo", "demo", "say Austin"),
        ("demo", "demo", "Austin, the capital of Texas"),
        ("demo", "demo-clt", "say Austin"),
        ("gemma-2-2b", "clt-hp", "Texas cities"),
        ("gemma-2-2b", "clt-hp", "say 8"),
        ("gemma-2-2b", "clt-hp", "the number eight"),
    ]
    return [
        Explanation.objects.create(
            model_id=m, source_set=s, layer=1, index=i, description=t, method=methods.HUMAN
        )
        for i, (m, s, t) in enumerate(texts)
    ]


def found(query: str, **filters) -> list[str]:
    rows = rows_of(search_ids(query, **filters))
    return [f"{e.model_id}/{e.source_set}:{e.description}" for e in rows]


def test_every_word_must_match(rows):
    assert sorted(found("austin texas")) == ["demo/demo:Austin, the capital of Texas"]
    assert sorted(found("say austin")) == ["demo/demo-clt:say Austin", "demo/demo:say Austin"]
    assert found("say 8") == ["gemma-2-2b/clt-hp:say 8"]
    assert found("paris") == []


def test_a_word_matches_as_the_start_of_a_word(rows):
    assert sorted(found("Aust")) == [
        "demo/demo-clt:say Austin",
        "demo/demo:Austin, the capital of Texas",
        "demo/demo:say Austin",
    ]


def test_filters_by_model_and_source_set(rows):
    assert found("texas", model_id="gemma-2-2b") == ["gemma-2-2b/clt-hp:Texas cities"]
    assert found("austin", source_set="demo-clt") == ["demo/demo-clt:say Austin"]


def test_shorter_texts_come_first_among_equals(rows):
    results = found("austin", source_set="demo")
    assert results[0] == "demo/demo:say Austin"


def test_the_api_answers_anonymous_readers_with_pages(rows, settings):
    settings.SEARCH_PAGE_SIZE = 1
    client = APIClient()
    body = client.get("/api/explanations/search/", {"q": "austin"}).json()
    assert body["count"] == 3 and len(body["results"]) == 1 and body["next"]
    result = body["results"][0]
    assert set(result) >= {"id", "model", "source_set", "layer", "index", "description", "method"}
    second = client.get(body["next"]).json()
    assert second["results"][0]["id"] != result["id"]


@pytest.mark.parametrize("query", ["", "   ", "?!", "x" * 201])
def test_a_useless_query_is_refused_naming_q(rows, query):
    response = APIClient().get("/api/explanations/search/", {"q": query})
    assert response.status_code == 400 and "q" in response.json()


def test_the_search_page_lists_matches_linking_the_feature(rows, client):
    page = client.get("/search/", {"q": "texas cities"})
    assert page.status_code == 200
    assert b"/features/gemma-2-2b/clt-hp/1/3/" in page.content
    assert b"say Austin</a>" not in page.content and b"Texas cities</a>" in page.content


def test_a_common_word_ranks_a_capped_set_and_says_so(settings, monkeypatch):
    monkeypatch.setattr("graphs.explanations.services.search.MAX_MATCHES", 5)
    monkeypatch.setattr("graphs.explanations.api.views.MAX_MATCHES", 5)
    Explanation.objects.bulk_create(
        Explanation(
            model_id="demo",
            source_set="demo",
            layer=0,
            index=i,
            description=f"common word {i}",
            method=methods.HUMAN,
        )
        for i in range(12)
    )
    assert len(search_ids("common")) == 6  # one past the cap: "more matched"
    body = APIClient().get("/api/explanations/search/", {"q": "common"}).json()
    assert body["capped"] is True and body["count"] == 5
    narrow = APIClient().get("/api/explanations/search/", {"q": "common 11"}).json()
    assert narrow["capped"] is False and narrow["count"] == 1


@pytest.mark.postgres
def test_postgres_uses_the_full_text_index(rows):
    with CaptureQueriesContext(connection) as captured:
        search_ids("austin")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(f"EXPLAIN {captured.captured_queries[-1]['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "explanation_search_vector_gin" in plan
