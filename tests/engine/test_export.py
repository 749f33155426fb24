"""Graph JSON (Neuronpedia schema, unique ids) and the raw safetensors export."""

from __future__ import annotations

import json

import jsonschema
import pytest
import torch
from safetensors.torch import load_file

from inference_worker.engine import attribute, graph_scores, prune_graph, save_raw, to_graph_json
from inference_worker.engine.export_json import cantor


@pytest.fixture(scope="module", params=["plt", "clt"])
def graph(request, replacement_models):
    rm = replacement_models("gemma2", request.param, "float32")
    result = attribute(rm, "the capital of France is", batch_size=32, max_feature_nodes=60)
    pruned = prune_graph(result, node_threshold=0.8, edge_threshold=0.98)
    return rm, result, pruned


def test_it_validates_against_the_neuronpedia_schema(graph, shared_dir):
    rm, result, pruned = graph
    doc = to_graph_json(
        result, pruned, slug="tiny", tokenizer=rm.tokenizer, scores=graph_scores(result)
    )
    schema = json.loads((shared_dir / "schemas" / "graph-schema.json").read_text())
    jsonschema.validate(json.loads(json.dumps(doc)), schema)
    meta = doc["metadata"]
    assert meta["schema_version"] == 1 and meta["prompt_tokens"][0] == "<bos>"
    assert meta["generation_settings"]["max_feature_nodes"] == 60
    assert meta["pruning_settings"] == {"node_threshold": 0.8, "edge_threshold": 0.98}
    assert meta["info"]["generator"]["name"] == "circuitscope-engine"


def test_node_ids_are_unique_and_errors_never_collide_with_features(graph):
    rm, result, _ = graph
    # Keep every node so that all error nodes are exported and could collide.
    everything = prune_graph(result, node_threshold=1.0, edge_threshold=1.0)
    doc = to_graph_json(result, everything, slug="all", tokenizer=rm.tokenizer)
    ids = [n["node_id"] for n in doc["nodes"]]
    assert len(ids) == len(set(ids))
    errors = [n for n in doc["nodes"] if n["feature_type"] == "mlp reconstruction error"]
    assert errors and all(n["feature"] == -1 for n in errors)
    d_tc = rm.transcoders.d_transcoder
    assert all(n["node_id"] == f"{n['layer']}_{d_tc}_{n['ctx_idx']}" for n in errors)
    for n in doc["nodes"]:
        if n["feature_type"] == "cross layer transcoder":
            layer, feat, ctx = map(int, n["node_id"].split("_"))
            assert feat < d_tc and n["feature"] == cantor(layer, feat) and n["ctx_idx"] == ctx
    logits = [n for n in doc["nodes"] if n["feature_type"] == "logit"]
    assert len(logits) == result.n_logits and logits[0]["is_target_logit"]
    assert all(n["layer"] == str(result.n_layers + 1) for n in logits)
    node_ids = set(ids)
    assert all(link["source"] in node_ids and link["target"] in node_ids for link in doc["links"])


def test_links_carry_the_kept_adjacency_entries(graph):
    rm, result, pruned = graph
    doc = to_graph_json(result, pruned, slug="tiny", tokenizer=rm.tokenizer)
    dense = result.dense_adjacency()
    edge_mask = pruned.dense_edge_mask(result)
    kept = pruned.node_mask
    expected = int((edge_mask & kept[:, None] & kept[None, :]).sum())
    assert len(doc["links"]) == expected > 0
    assert max(abs(link["weight"]) for link in doc["links"]) <= float(dense.abs().max())


def test_the_raw_export_has_the_documented_keys_and_order(graph, tmp_path):
    _, result, pruned = graph
    save_raw(result, pruned, tmp_path / "raw.safetensors")
    raw = load_file(str(tmp_path / "raw.safetensors"))
    assert set(raw) == {
        "adjacency",
        "active_features",
        "selected_features",
        "activation_values",
        "input_tokens",
        "logit_tokens",
        "logit_probabilities",
        "node_mask",
        "edge_mask",
    }
    n, m = result.n_nodes, result.n_features
    assert raw["adjacency"].shape == (n, n) and raw["adjacency"].dtype == torch.float32
    assert raw["active_features"].shape[1] == 3 and raw["selected_features"].shape == (m,)
    assert torch.equal(raw["selected_features"], raw["selected_features"].sort().values)
    assert raw["node_mask"].dtype == torch.bool and raw["edge_mask"].shape == (n, n)
    # Rows: selected features then logits are the only non-zero ones; tokens and logits kept.
    nonzero_rows = raw["adjacency"].abs().sum(1) > 0
    assert not nonzero_rows[m : n - result.n_logits].any()
    assert raw["node_mask"][-(result.n_logits + result.n_pos) :].all()
