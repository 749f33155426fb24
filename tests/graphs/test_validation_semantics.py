"""The semantic checks of the validator, each problem named by its JSON path."""

from __future__ import annotations

import copy
import io
import json

import pytest

from graphs.testing import build_graph_document
from graphs.validation import validate_graph_document, validate_graph_file
from tests.support.paths import FIXTURES


def check(document) -> list[str]:
    """Problems found by the streaming validator, which must agree with the in-memory one."""
    raw = json.dumps(document).encode()
    streamed = [str(p) for p in validate_graph_file(io.BytesIO(raw)).problems]
    in_memory = [str(p) for p in validate_graph_document(document).problems]
    assert sorted(streamed) == sorted(in_memory)
    return streamed


@pytest.fixture
def graph():
    return copy.deepcopy(build_graph_document())


def test_it_accepts_a_valid_graph(graph):
    assert check(graph) == []


def test_it_refuses_duplicate_node_ids(graph):
    graph["nodes"][7]["node_id"] = graph["nodes"][3]["node_id"]
    problems = check(graph)
    assert any(
        p.startswith("nodes[7].node_id:") and "nodes[3]" in p and "unique" in p for p in problems
    )


def test_it_names_circuit_tracer_issue_78_when_an_error_id_collides_with_a_feature_id():
    document = json.loads((FIXTURES / "error-id-collision.json").read_text())
    problems = check(document)
    collision = [p for p in problems if "0_1_2" in p]
    assert len(collision) == 1
    assert "circuit-tracer 0.5.0" in collision[0] and "#78" in collision[0]
    assert "error node" in collision[0]


def test_it_refuses_links_to_missing_nodes(graph):
    graph["links"][5]["target"] = "99_999_1"
    graph["links"][6]["source"] = "nowhere"
    problems = check(graph)
    assert "links[5].target: node '99_999_1' does not exist in nodes" in problems
    assert "links[6].source: node 'nowhere' does not exist in nodes" in problems


def test_it_refuses_ctx_idx_beyond_the_prompt(graph):
    graph["nodes"][12]["ctx_idx"] = len(graph["metadata"]["prompt_tokens"])
    problems = check(graph)
    assert [p for p in problems if p.startswith("nodes[12].ctx_idx:")] == [
        "nodes[12].ctx_idx: position 4 is outside the prompt, which has 4 tokens (positions 0 to 3)"
    ]


def test_it_refuses_negative_ctx_idx(graph):
    graph["nodes"][2]["ctx_idx"] = -1
    assert any(p.startswith("nodes[2].ctx_idx: must be at least 0") for p in check(graph))


def test_it_refuses_unknown_feature_types(graph):
    graph["nodes"][4]["feature_type"] = "mystery"
    problems = check(graph)
    assert any(
        p.startswith("nodes[4].feature_type: 'mystery' is not a known feature type")
        for p in problems
    )


def test_it_refuses_infinite_numbers_in_documents_built_in_memory(graph):
    # JSON text cannot carry them (see test_validation_parsing); a generated dict can.
    graph["links"][3]["weight"] = float("inf")
    graph["nodes"][1]["activation"] = float("-inf")
    graph["metadata"]["node_threshold"] = float("nan")
    problems = [str(p) for p in validate_graph_document(graph).problems]
    assert "metadata.node_threshold: must be a finite number (NaN and infinity are not)" in problems
    assert "links[3].weight: must be a finite number (NaN and infinity are not)" in problems
    assert "nodes[1].activation: must be a finite number (NaN and infinity are not)" in problems


def test_it_names_wrong_types_by_path(graph):
    graph["nodes"][0]["ctx_idx"] = "3"
    graph["links"][1]["weight"] = "heavy"
    graph["metadata"]["prompt_tokens"] = "The cat"
    del graph["nodes"][2]["jsNodeId"]
    problems = check(graph)
    assert "nodes[0].ctx_idx: must be an integer, not a string" in problems
    assert "links[1].weight: must be a number, not a string" in problems
    assert "metadata.prompt_tokens: must be an array, not a string" in problems
    assert "nodes[2].jsNodeId: is required but missing" in problems


def test_it_requires_the_four_top_level_parts(graph):
    del graph["qParams"]
    del graph["links"]
    problems = check(graph)
    assert "qParams: is required but missing" in problems
    assert "links: is required but missing" in problems


def test_it_checks_link_ends_when_links_come_before_nodes():
    document = json.loads((FIXTURES / "links-first.json").read_text())
    assert check(document) == []
    document["links"][0]["source"] = "ghost"
    assert "links[0].source: node 'ghost' does not exist in nodes" in check(document)


def test_it_checks_ctx_idx_when_metadata_comes_after_nodes():
    document = json.loads((FIXTURES / "links-first.json").read_text())
    document["nodes"][5]["ctx_idx"] = 40
    assert any(p.startswith("nodes[5].ctx_idx: position 40") for p in check(document))


def test_it_caps_the_listing_of_problems(settings, graph):
    settings.VALIDATION_MAX_PROBLEMS = 5
    for link in graph["links"]:
        link["source"] = "ghost"
    report = validate_graph_file(io.BytesIO(json.dumps(graph).encode()))
    assert len(report.problems) == 5
    assert report.omitted == len(graph["links"]) - 5
