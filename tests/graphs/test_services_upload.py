"""create_graph_from_upload / _document: body then row, and nothing left behind on failure."""

from __future__ import annotations

import gzip
import io
import json
from unittest import mock

import pytest

from graphs.models import Graph, Source
from graphs.services import GraphRejected, create_graph_from_document, create_graph_from_upload
from graphs.storage import graph_storage, open_body
from graphs.testing import build_graph_document
from tests.factories import GraphFactory, UserFactory
from tests.support.storage import stored_bodies

pytestmark = [pytest.mark.django_db, pytest.mark.datalayer]


def upload(owner, document, **options) -> Graph:
    return create_graph_from_upload(owner, io.BytesIO(json.dumps(document).encode()), **options)


def test_it_stores_the_body_gzipped_and_the_metadata_in_the_row():
    owner = UserFactory()
    document = build_graph_document(slug="my-graph", scan="demo-model")
    graph = upload(owner, document, visibility="public")
    assert (graph.owner, graph.slug, graph.model_id, graph.visibility) == (
        owner,
        "my-graph",
        "demo-model",
        "public",
    )
    assert graph.node_count == len(document["nodes"]) and graph.link_count == len(document["links"])
    assert graph.prompt_tokens == document["metadata"]["prompt_tokens"]
    assert graph.generator == document["metadata"]["info"]["generator"]
    assert graph.description == document["metadata"]["info"]["description"]
    assert graph.source == Source.UPLOADED
    with open_body(graph.body_key) as fh:
        stored = fh.read()
    assert len(stored) == graph.stored_size
    assert json.loads(gzip.decompress(stored)) == document


def test_it_refuses_an_invalid_graph_and_stores_nothing(media_root):
    document = build_graph_document()
    document["links"][0]["target"] = "ghost"
    with pytest.raises(GraphRejected) as caught:
        upload(UserFactory(), document)
    assert [str(p) for p in caught.value.problems] == [
        "links[0].target: node 'ghost' does not exist in nodes"
    ]
    assert Graph.objects.count() == 0
    assert stored_bodies(media_root) == []


def test_it_deletes_the_body_when_the_row_cannot_be_saved(media_root):
    with (
        mock.patch.object(Graph.objects, "create", side_effect=RuntimeError("database went away")),
        pytest.raises(RuntimeError),
    ):
        upload(UserFactory(), build_graph_document())
    assert stored_bodies(media_root) == []
    assert Graph.objects.count() == 0


def test_it_refuses_a_slug_with_a_slash(media_root):
    with pytest.raises(GraphRejected) as caught:
        upload(UserFactory(), build_graph_document(), slug="a/b")
    assert caught.value.problems[0].path == "slug" and "'/'" in caught.value.problems[0].message
    assert stored_bodies(media_root) == []


def test_it_refuses_a_slug_already_taken_for_the_model():
    owner = UserFactory()
    GraphFactory(owner=owner, slug="taken", model_id="demo-model")
    with pytest.raises(GraphRejected, match="slug already used"):
        upload(owner, build_graph_document(scan="demo-model"), slug="taken")


def test_it_derives_a_free_slug_from_the_metadata_when_none_is_given():
    owner = UserFactory()
    first = upload(owner, build_graph_document(slug="Same Name!"))
    second = upload(owner, build_graph_document(slug="Same Name!"))
    assert (first.slug, second.slug) == ("same-name", "same-name-2")


def test_it_stores_generated_documents_and_refuses_nan_in_them(media_root):
    owner = UserFactory()
    graph = create_graph_from_document(owner, build_graph_document(slug="gen"))
    assert graph.source == Source.GENERATED and graph_storage().exists(graph.body_key)
    bad = build_graph_document()
    bad["links"][0]["weight"] = float("nan")
    with pytest.raises(GraphRejected, match="non-finite"):
        create_graph_from_document(owner, bad)
    assert Graph.objects.count() == 1 and len(stored_bodies(media_root)) == 1


def test_it_stores_metadata_with_nul_characters_and_keeps_the_body_exact():
    document = build_graph_document(prompt_tokens=["<bos>", "a\x00b", " c"])
    document["metadata"]["info"]["generator"]["name"] = "gen\x00"
    graph = upload(UserFactory(), document)
    graph.refresh_from_db()
    assert graph.prompt_tokens[1] == "a\ufffdb" and graph.generator["name"] == "gen\ufffd"
    with open_body(graph.body_key) as fh:
        assert json.loads(gzip.decompress(fh.read())) == document
