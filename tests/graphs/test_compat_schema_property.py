"""Whatever our validator accepts, Neuronpedia's schema accepts too (random mutations of a graph)."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from graphs.validation import validate_graph_document
from tests.support.paths import FIXTURES

BASE = json.loads((FIXTURES / "tiny.json").read_text())

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 50),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=4),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.sampled_from(["name", "version", "x"]), st.text(max_size=3), max_size=2),
)
node_keys = st.sampled_from([*sorted(BASE["nodes"][0]), "qk_tracing_results"])
link_keys = st.sampled_from(["source", "target", "weight"])
metadata_keys = st.sampled_from(
    [
        "slug",
        "scan",
        "prompt",
        "prompt_tokens",
        "info",
        "feature_details",
        "node_threshold",
        "generation_settings",
        "pruning_settings",
        "schema_version",
    ]
)
mutations = st.one_of(
    st.tuples(st.just("nodes"), st.integers(0, len(BASE["nodes"]) - 1), node_keys, values),
    st.tuples(st.just("links"), st.integers(0, len(BASE["links"]) - 1), link_keys, values),
    st.tuples(st.just("metadata"), st.just(0), metadata_keys, values),
    st.tuples(
        st.just("qParams"),
        st.just(0),
        st.sampled_from(["pinnedIds", "supernodes", "linkType"]),
        values,
    ),
)


@pytest.fixture(scope="module")
def neuronpedia(shared_dir) -> Draft7Validator:
    return Draft7Validator(json.loads((shared_dir / "schemas" / "graph-schema.json").read_text()))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(mutations, min_size=1, max_size=3), st.booleans())
def test_it_accepts_only_graphs_neuronpedia_accepts(neuronpedia, changes, delete):
    document = copy.deepcopy(BASE)
    for part, index, key, value in changes:
        target = document[part][index] if part in ("nodes", "links") else document[part]
        if delete:
            target.pop(key, None)
        else:
            target[key] = value
    if validate_graph_document(document).ok:
        assert list(neuronpedia.iter_errors(document)) == []
