"""The shipped files: checksums, size budget, formats, and loading through the engine."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import yaml

from inference_worker.engine import CrossLayerTranscoder, TranscoderSet, load_transcoders
from inference_worker.engine.dashboards import read_dashboards

BUDGET_BYTES = 25 * 1024 * 1024


def test_every_shipped_file_matches_its_checksum(assets):
    lines = (assets / "SHA256SUMS").read_text().splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    on_disk = {
        p.relative_to(assets).as_posix()
        for p in assets.rglob("*")
        if p.is_file() and p.name != "SHA256SUMS"
    }
    assert set(listed) == on_disk
    for name, digest in listed.items():
        assert hashlib.sha256((assets / name).read_bytes()).hexdigest() == digest, name


def test_the_assets_fit_the_size_budget(assets):
    sizes = {
        p.relative_to(assets).as_posix(): p.stat().st_size for p in assets.rglob("*") if p.is_file()
    }
    total = sum(sizes.values())
    print(f"\nshipped demo assets: {total / 1e6:.2f} MB in {len(sizes)} files")
    assert total <= BUDGET_BYTES


def test_the_model_directory_has_the_local_model_format(assets, demo_model):
    model_dir = assets / "model"
    config = json.loads((model_dir / "config.json").read_text())
    assert config["use_normalization_before_and_after"] and config["gated_mlp"]
    assert config["n_key_value_heads"] < config["n_heads"]
    assert {"local", "global"} <= set(config["attn_types"])
    assert config["attn_scores_soft_cap"] > 0 and config["output_logits_soft_cap"] > 0
    tokenizer_config = json.loads((model_dir / "tokenizer_config.json").read_text())
    assert tokenizer_config["bos_token"] == "<bos>"
    tokens = demo_model.to_tokens("The capital of Texas is")
    assert tokens[0, 0].item() == demo_model.tokenizer.bos_token_id


def test_the_per_layer_set_is_gemmascope_style_and_loads(assets, demo_model):
    directory = assets / "transcoders"
    config = yaml.safe_load((directory / "config.yaml").read_text())
    assert config["model_kind"] == "transcoder_set"
    assert (config["feature_input_hook"], config["feature_output_hook"]) == (
        "ln2.hook_normalized",
        "hook_mlp_out",
    )
    params = np.load(directory / config["transcoders"][0])
    d_model = demo_model.cfg.d_model
    assert set(params.files) == {"W_enc", "W_dec", "b_enc", "b_dec", "threshold"}
    assert params["W_enc"].shape[0] == d_model and params["W_dec"].shape[1] == d_model
    transcoders = load_transcoders("demo", model=demo_model)
    assert isinstance(transcoders, TranscoderSet)
    assert transcoders.n_layers == demo_model.cfg.n_layers


def test_the_clt_loads_as_a_cross_layer_transcoder(assets, demo_model):
    config = yaml.safe_load((assets / "clt" / "config.yaml").read_text())
    assert config["model_kind"] == "cross_layer_transcoder"
    clt = load_transcoders("demo-clt", model=demo_model)
    assert isinstance(clt, CrossLayerTranscoder)
    import torch

    assert clt.decoder_rows(0, torch.tensor([0])).shape[1] == demo_model.cfg.n_layers


def test_the_dashboards_cover_every_feature_in_the_anthropic_format(assets, shared_dir):
    import jsonschema

    schema = json.loads((shared_dir / "schemas" / "feature-details-schema.json").read_text())
    manifest = json.loads((assets / "dashboards" / "manifest.json").read_text())
    for ref, entry in manifest["sets"].items():
        dashboards = list(read_dashboards(assets / "dashboards" / entry["file"]))
        assert len(dashboards) == entry["n_layers"] * entry["d_transcoder"], ref
        keys = {(d["layer"], d["index"]) for d in dashboards}
        assert len(keys) == len(dashboards)
        for dashboard in dashboards[:: max(1, len(dashboards) // 200)]:
            jsonschema.validate(dashboard, schema)
            assert dashboard["label"]
        live = [d for d in dashboards if d["examples_quantiles"]]
        assert len(live) > 0.5 * len(dashboards), f"{ref}: most features are dead"
        example = live[0]["examples_quantiles"][0]["examples"][0]
        assert len(example["tokens"]) == len(example["tokens_acts_list"])
        assert max(example["tokens_acts_list"]) > 0
