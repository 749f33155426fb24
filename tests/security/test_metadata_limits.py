"""Metadata an upload copies into its row has limits (prompt, prompt tokens, info, generator), and
list answers never load a row's long fields whole, whatever an older row holds."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from graphs.models import Graph
from graphs.testing import build_graph_document
from tests.factories import GraphFactory

pytestmark = pytest.mark.django_db


def upload(client, document):
    return client.post(
        "/api/graphs/?visibility=public", json.dumps(document), content_type="application/json"
    )


def problems_of(response) -> dict[str, str]:
    assert response.status_code == 400, response.content[:300]
    return {p["path"]: p["message"] for p in response.json()["problems"]}


def test_a_prompt_of_10000_characters_is_accepted_and_one_more_refused(api):
    document = build_graph_document()
    document["metadata"]["prompt"] = "p" * 10_000
    assert upload(api("outsider"), document).status_code == 201
    document["metadata"]["prompt"] = "p" * 10_001
    document["metadata"]["slug"] = "another"
    problems = problems_of(upload(api("outsider"), document))
    assert problems["metadata.prompt"] == "must have at most 10000 characters (it has 10001)"
    assert Graph.objects.count() == 1


@pytest.mark.parametrize(
    ("where", "value", "path"),
    [
        (("prompt_tokens",), ["t"] * 10_001, "metadata.prompt_tokens"),
        (("prompt_tokens",), ["t" * 257], "metadata.prompt_tokens[0]"),
        (("info", "description"), "d" * 10_001, "metadata.info.description"),
        (("info", "creator_name"), "c" * 201, "metadata.info.creator_name"),
        (("info", "source_urls"), ["https://a.example/"] * 21, "metadata.info.source_urls"),
        (("info", "generator", "name"), "g" * 201, "metadata.info.generator.name"),
        (("info", "generator", "url"), "https://" + "u" * 2000, "metadata.info.generator.url"),
    ],
)
def test_metadata_fields_have_limits(api, where, value, path):
    document = build_graph_document()
    target = document["metadata"]
    for key in where[:-1]:
        target = target.setdefault(key, {})
    target[where[-1]] = value
    assert path in problems_of(upload(api("outsider"), document))


def test_the_row_keeps_only_the_generator_fields_it_shows(api):
    document = build_graph_document()
    document["metadata"].setdefault("info", {})["generator"] = {
        "name": "circuit-tracer",
        "version": "0.5",
        "padding": ["x" * 1000] * 100,
    }
    response = upload(api("outsider"), document)
    assert response.status_code == 201
    graph = Graph.objects.get(pk=response.json()["id"])
    assert graph.generator == {"name": "circuit-tracer", "version": "0.5"}


@pytest.fixture
def swollen_row(cast):
    """A public graph whose row holds a 2 MB prompt and 100,000 tokens: one stored before the
    limits existed."""
    return GraphFactory(
        owner=cast.owner,
        visibility="public",
        prompt="P" * (2 * 1024 * 1024),
        prompt_tokens=["tok"] * 100_000,
        description="D" * (1024 * 1024),
    )


def selected_columns(queries) -> str:
    """The selected columns of every query, with substrings (SUBSTR/SUBSTRING) left out."""
    selected = " ".join(q["sql"].split(" FROM ")[0] for q in queries)
    return re.sub(r"SUBSTR(?:ING)?\([^)]*\)", "", selected)


def test_the_api_list_never_loads_long_fields_whole(api, swollen_row):
    with CaptureQueriesContext(connection) as queries:
        response = api("anonymous").get("/api/graphs/?scope=public")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["prompt"] == "P" * 10_000 and item["description"] == "D" * 10_000
    assert "prompt_tokens" not in item and "generator" not in item
    assert len(response.content) < 30_000
    columns = selected_columns(queries.captured_queries)
    assert '"prompt_tokens"' not in columns and '"generator"' not in columns
    assert '"graphs_graph"."prompt"' not in columns  # only a substring of it
    detail = api("anonymous").get(f"/api/graphs/{swollen_row.pk}/").json()
    assert len(detail["prompt"]) == 2 * 1024 * 1024  # the graph's own answer keeps it whole


@pytest.mark.parametrize("path", ["/", "/graphs/public/"])
def test_list_pages_never_load_long_fields_whole(client, swollen_row, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert "P" * 100 in response.content.decode()
    columns = selected_columns(queries.captured_queries)
    assert '"prompt_tokens"' not in columns
    assert len(response.content) < 100_000


def test_a_description_changed_later_has_the_same_limit(api, shared_graph):
    graph = shared_graph("private")
    response = api("owner").patch(
        f"/api/graphs/{graph.pk}/", {"description": "d" * 10_001}, format="json"
    )
    assert "description" in problems_of(response)
