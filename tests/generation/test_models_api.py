"""GET /api/models/: the registry, public to everyone."""

from __future__ import annotations

from rest_framework.test import APIClient


def test_it_lists_the_builtin_models_with_queues_and_bounds(db):
    response = APIClient().get("/api/models/")
    assert response.status_code == 200
    entries = {entry["id"]: entry for entry in response.json()["results"]}
    assert entries["demo"]["queue"] == "cpu.demo"
    assert entries["gemma-2-2b"]["queue"].startswith("gpu.")
    assert entries["gemma-2-2b-clt"]["queue"] == entries["gemma-2-2b"]["queue"]
    assert entries["llama-3.2-1b"]["queue"].startswith("gpu.")
    assert entries["demo"]["max_prompt_tokens"] == 32  # the demo model's context
    for entry in entries.values():
        assert entry["max_prompt_tokens"] == (32 if entry["id"] == "demo" else 64)
        assert entry["display_name"] and entry["weights_source"]
        assert set(entry["settings"]) == {
            "max_n_logits",
            "desired_logit_prob",
            "max_feature_nodes",
            "node_threshold",
            "edge_threshold",
        }
        for spec in entry["settings"].values():
            assert spec["min"] <= spec["default"] <= spec["max"]


def test_it_adds_entries_from_the_models_file(db, words_entry):
    entries = {e["id"]: e for e in APIClient().get("/api/models/").json()["results"]}
    assert entries["words"]["max_prompt_tokens"] == 8
    assert entries["words"]["settings"]["max_feature_nodes"] == {
        "type": "integer",
        "default": 50,
        "min": 10,
        "max": 100,
    }
    assert "demo" in entries


def test_weights_locations_come_from_the_environment(monkeypatch):
    from graphs.generation.registry import _builtin

    monkeypatch.setenv("GEMMA_2_2B_PATH", "/models/gemma-2-2b")
    gemma = next(e for e in _builtin() if e.id == "gemma-2-2b")
    assert gemma.model == "/models/gemma-2-2b"
    assert "/models/gemma-2-2b" in gemma.weights_source


def test_the_offered_defaults_are_the_engines(db):
    from inference_worker.engine.settings import DEFAULTS

    entries = {e["id"]: e for e in APIClient().get("/api/models/").json()["results"]}
    for model_id in ("demo", "gemma-2-2b", "gemma-2-2b-clt", "llama-3.2-1b"):
        for name, spec in entries[model_id]["settings"].items():
            if name != "max_feature_nodes":  # capped per model; the engine's default is no cap
                assert spec["default"] == getattr(DEFAULTS, name), (model_id, name)
