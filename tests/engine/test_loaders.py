"""Loaders of models and transcoder sets: every on-disk format, offline hub refs, and clear
errors naming the file, tensor and shapes on a mismatch."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch
import yaml
from safetensors.torch import load_file, save_file

from inference_worker.engine import (
    CrossLayerTranscoder,
    EngineError,
    TranscoderSet,
    load_model,
    load_transcoders,
)
from tests.support.hf_cache import write_fake_hf_cache


@pytest.fixture(scope="module")
def gemma(tiny_dirs):
    return load_model(str(tiny_dirs["gemma2"]))


def test_it_loads_a_local_model_dir_with_its_tokenizer(tiny_dirs, gemma):
    assert gemma.cfg.n_layers == 4 and gemma.cfg.normalization_type == "RMSPre"
    saved = load_file(str(tiny_dirs["gemma2"] / "model.safetensors"))
    assert torch.equal(gemma.W_E, saved["embed.W_E"])  # raw weights: nothing folded or centred
    assert (
        torch.equal(gemma.blocks[0].ln2.w, saved["blocks.0.ln2.w"])
        if "blocks.0.ln2.w" in saved
        else True
    )
    assert gemma.tokenizer.convert_ids_to_tokens(gemma.tokenizer("the capital")["input_ids"])[
        -2:
    ] == ["the", "capital"]


def test_it_reads_every_format_the_same_way(tiny_dirs, gemma):
    x = torch.randn(5, gemma.cfg.d_model)
    for kind, cls in (
        ("plt", TranscoderSet),
        ("plt-skip", TranscoderSet),
        ("clt", CrossLayerTranscoder),
        ("gemmascope", TranscoderSet),
    ):
        tc = load_transcoders(str(tiny_dirs[f"gemma2-{kind}"]), model=gemma)
        assert isinstance(tc, cls) and tc.n_layers == 4 and tc.has_skip == (kind == "plt-skip")
        assert (tc.feature_input_hook, tc.feature_output_hook) == (
            "ln2.hook_normalized",
            "hook_mlp_out",
        )
    # GemmaScope stores W_enc as [d_model, d_tc]: the loader must transpose it.
    raw = np.load(tiny_dirs["gemma2-gemmascope"] / "layer_1/width_16k/average_l0_20/params.npz")
    gs = load_transcoders(str(tiny_dirs["gemma2-gemmascope"]), model=gemma)
    pre = x.numpy() @ raw["W_enc"] + raw["b_enc"]
    expected = pre * (pre > raw["threshold"])
    np.testing.assert_allclose(gs.encode(1, x).numpy(), expected, rtol=1e-5, atol=1e-6)
    # CLT decoders: slot j of W_dec_i writes to layer i + j.
    clt = load_transcoders(str(tiny_dirs["gemma2-clt"]), model=gemma)
    w_dec = load_file(str(tiny_dirs["gemma2-clt"] / "W_dec_1.safetensors"))["W_dec_1"]
    assert torch.equal(clt.decoder_rows(1, torch.tensor([3, 7])), w_dec[[3, 7]])


def _copy(tiny_dirs, kind, tmp_path):
    dst = tmp_path / kind
    shutil.copytree(tiny_dirs[f"gemma2-{kind}"], dst)
    return dst


def test_it_names_file_tensor_and_shapes_on_a_mismatch(tiny_dirs, gemma, tmp_path):
    plt = _copy(tiny_dirs, "plt", tmp_path)
    tensors = load_file(str(plt / "layer_2.safetensors"))
    tensors["W_dec"] = tensors["W_dec"][:, :-1].contiguous()
    save_file(tensors, str(plt / "layer_2.safetensors"))
    with pytest.raises(EngineError) as err:
        load_transcoders(str(plt), model=gemma)
    assert "layer_2.safetensors" in str(err.value) and "W_dec" in str(err.value)
    assert "(48, 31)" in str(err.value) and "(48, 32)" in str(err.value)

    clt = _copy(tiny_dirs, "clt", tmp_path)
    save_file({"W_dec_2": torch.zeros(48, 3, 32)}, str(clt / "W_dec_2.safetensors"))
    with pytest.raises(
        EngineError,
        match=r"W_dec_2\.safetensors: tensor W_dec_2 has shape \(48, 3, 32\), expected \(48, 2, 32\)",
    ):
        load_transcoders(str(clt), model=gemma)

    gs = _copy(tiny_dirs, "gemmascope", tmp_path)
    path = gs / "layer_0/width_16k/average_l0_20/params.npz"
    arrays = dict(np.load(path))
    arrays["W_enc"] = arrays["W_enc"].T.copy()  # stored the wrong way round
    np.savez(path, **arrays)
    with pytest.raises(
        EngineError, match=r"params\.npz: tensor W_enc has shape \(48, 32\), expected \(32, 48\)"
    ):
        load_transcoders(str(gs), model=gemma)


def test_it_refuses_sets_that_do_not_fit_the_model(tiny_dirs, gemma, tmp_path):
    with pytest.raises(EngineError, match="3 layers, the model has 4"):
        load_transcoders(str(tiny_dirs["llama-plt"]), model=gemma)
    plt = _copy(tiny_dirs, "plt", tmp_path)
    config = yaml.safe_load((plt / "config.yaml").read_text())
    config["feature_input_hook"] = "mlp.hook_nowhere"
    (plt / "config.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(EngineError, match=r"hook 'mlp\.hook_nowhere'"):
        load_transcoders(str(plt), model=gemma)
    config["model_kind"] = "sparse_autoencoder"
    (plt / "config.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(EngineError, match="model_kind"):
        load_transcoders(str(plt), model=gemma)
    (plt / "layer_1.safetensors").write_bytes(b"not a safetensors file")
    config["model_kind"] = "transcoder_set"
    config["feature_input_hook"] = "ln2.hook_normalized"
    (plt / "config.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(
        EngineError, match=r"layer_1\.safetensors is not a readable safetensors file"
    ):
        load_transcoders(str(plt), model=gemma)


def test_it_gives_clear_errors_for_missing_things(tiny_dirs, tmp_path):
    with pytest.raises(EngineError, match="model directory not found"):
        load_model(str(tmp_path / "nope"))
    broken = tmp_path / "model"
    shutil.copytree(tiny_dirs["gemma2"], broken)
    (broken / "model.safetensors").unlink()
    with pytest.raises(EngineError, match=r"has no model\.safetensors"):
        load_model(str(broken))
    with pytest.raises(EngineError, match="transcoder directory not found"):
        load_transcoders(str(tmp_path / "none"))
    with pytest.raises(
        EngineError, match=r"not in the Hugging Face cache|neither a local directory"
    ):
        load_transcoders("nobody/no-such-transcoders")


def test_it_resolves_hub_refs_offline_from_the_cache(tiny_dirs, gemma, tmp_path, monkeypatch):
    from huggingface_hub import constants

    cache = tmp_path / "hub"
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # A GemmaScope-style repo: no config.yaml, layer_{i}/width_16k/average_l0_{N}/params.npz,
    # with two l0 variants of layer 0 (the smallest is chosen).
    snap = write_fake_hf_cache(
        cache, "google/gemma-scope-tiny-transcoders", tiny_dirs["gemma2-gemmascope"]
    )
    (snap / "config.yaml").unlink()
    other = snap / "layer_0/width_16k/average_l0_99"
    other.mkdir(parents=True)
    arrays = dict(np.load(snap / "layer_0/width_16k/average_l0_20/params.npz"))
    np.savez(other / "params.npz", **{**arrays, "b_enc": arrays["b_enc"] + 5.0})
    gs = load_transcoders("google/gemma-scope-tiny-transcoders", model=gemma)
    assert torch.allclose(gs.b_enc[0], torch.as_tensor(arrays["b_enc"]))
    # A CLT repo with its config.yaml.
    write_fake_hf_cache(cache, "someone/clt-tiny", tiny_dirs["gemma2-clt"])
    clt = load_transcoders("someone/clt-tiny", model=gemma)
    assert isinstance(clt, CrossLayerTranscoder) and clt.info.source == "someone/clt-tiny"
    # A per-layer set whose config.yaml lists hf:// files of another cached repo.
    write_fake_hf_cache(cache, "someone/plt-files", tiny_dirs["gemma2-plt"])
    listing = tmp_path / "listing"
    listing.mkdir()
    config = yaml.safe_load((tiny_dirs["gemma2-plt"] / "config.yaml").read_text())
    config["transcoders"] = [f"hf://someone/plt-files/{f}" for f in config["transcoders"]]
    (listing / "config.yaml").write_text(yaml.safe_dump(config))
    assert load_transcoders(str(listing), model=gemma).n_layers == 4
    with pytest.raises(EngineError, match="not in the Hugging Face cache"):
        config["transcoders"][0] = "hf://someone/plt-files/missing.safetensors"
        (listing / "config.yaml").write_text(yaml.safe_dump(config))
        load_transcoders(str(listing), model=gemma)


def test_the_tiny_model_config_is_hooked_transformer_fields(tiny_dirs):
    fields = json.loads((tiny_dirs["gemma2"] / "config.json").read_text())
    assert fields["use_normalization_before_and_after"] and fields["n_key_value_heads"] == 2
    assert fields["attn_types"] == ["local", "global", "local", "global"]


@pytest.mark.parametrize("arch", ["gemma2", "llama"])
def test_it_adds_circuit_tracers_mlp_hooks_with_their_meaning(tiny_dirs, arch):
    """`mlp.hook_in` is the MLP input after ln2's weight; `mlp.hook_out` the raw MLP output,
    before Gemma-2's ln2_post (equal to hook_mlp_out without post-norms)."""
    model = load_model(str(tiny_dirs[arch]), dtype="float64")
    keys = set(model.state_dict())
    assert "blocks.0.mlp.hook_in" not in model.hook_dict
    tc = load_transcoders(str(tiny_dirs[f"{arch}-plt-skip-mlp"]), model=model, dtype="float64")
    assert (tc.feature_input_hook, tc.feature_output_hook) == ("mlp.hook_in", "mlp.hook_out")
    n_hooks = len(model.hook_dict)
    load_transcoders(str(tiny_dirs[f"{arch}-plt-skip-mlp"]), model=model, dtype="float64")
    assert (
        len(model.hook_dict) == n_hooks and set(model.state_dict()) == keys
    )  # idempotent, no weights
    _, cache = model.run_with_cache(torch.tensor([[0, 5, 7, 9, 11]]))
    for layer in range(model.cfg.n_layers):
        block, at = model.blocks[layer], lambda name, layer=layer: cache[f"blocks.{layer}.{name}"]
        # The tiny Gemma-2 is RMSPre (ln2's weight already folded into W_in); the llama is not.
        w = getattr(block.ln2, "w", torch.ones(model.cfg.d_model, dtype=torch.float64))
        assert arch == "gemma2" or not torch.allclose(w, torch.ones_like(w))  # the weight matters
        torch.testing.assert_close(at("mlp.hook_in"), at("ln2.hook_normalized") * w)
        if arch == "gemma2":
            assert not torch.allclose(at("mlp.hook_out"), at("hook_mlp_out"))
            torch.testing.assert_close(block.ln2_post(at("mlp.hook_out")), at("hook_mlp_out"))
        else:
            torch.testing.assert_close(at("mlp.hook_out"), at("hook_mlp_out"))
        # Equivalent to folding ln2.w into the encoder and the skip on ln2.hook_normalized.
        folded = TranscoderSet(
            [
                {
                    "W_enc": tc.W_enc[layer] * w,
                    "W_dec": tc.W_dec[layer],
                    "b_enc": tc.b_enc[layer],
                    "b_dec": tc.b_dec[layer],
                    "threshold": tc.threshold[layer],
                    "W_skip": tc.W_skip[layer] * w,
                }
            ],
            feature_input_hook="ln2.hook_normalized",
            feature_output_hook="hook_mlp_out",
        )
        torch.testing.assert_close(
            tc.encode(layer, at("mlp.hook_in")), folded.encode(0, at("ln2.hook_normalized"))
        )
        torch.testing.assert_close(
            tc.skip(layer, at("mlp.hook_in")), folded.skip(0, at("ln2.hook_normalized"))
        )
