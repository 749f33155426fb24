"""The unembedding costs its weights once during attribution: tied embeddings share one matrix,
the vocabulary mean is taken without a float32 copy of a half-precision W_U, and the frozen pass
never runs TransformerLens's unembedding (which multiplies by a contiguous copy of W_U.T and
would keep it alive for every row)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import torch
from safetensors.torch import load_file, save_file

from inference_worker.engine import ReplacementModel, attribute, load_model, load_transcoders
from inference_worker.engine.model_loading import share_tied_unembedding
from inference_worker.engine.targets import mean_column
from inference_worker.engine.tiny import build_tiny_model_dir, build_tiny_transcoders

# a vocabulary large enough that a float32 copy of W_U (32 MB) dwarfs the rest of attribution
BIG_VOCAB = {"d_vocab": 32768, "d_model": 256}
CHILD = textwrap.dedent("""
    import sys, torch
    torch.set_num_threads(1)
    from inference_worker.engine import ReplacementModel, attribute, load_model, load_transcoders
    def status(field):
        text = open("/proc/self/status").read()
        return int(text.split(field + ":")[1].split()[0]) * 1024
    model = load_model(sys.argv[1], dtype="bfloat16")
    rm = ReplacementModel(model, load_transcoders(sys.argv[2], model=model, dtype="bfloat16"))
    tokens = torch.tensor([1, 5, 9, 12, 7, 3])
    attribute(rm, tokens, max_feature_nodes=8, batch_size=8)  # warm: allocator, thread pools
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # resets VmHWM to the present resident size
    base = status("VmRSS")
    attribute(rm, tokens, max_feature_nodes=8, batch_size=8)
    w_u = model.unembed.W_U
    print(status("VmHWM") - base, w_u.numel() * 4, int(w_u.data_ptr() == model.embed.W_E.data_ptr()))
""")


def _tie(model_dir, *, differ: bool = False) -> None:
    state = load_file(str(model_dir / "model.safetensors"))
    state["unembed.W_U"] = state["embed.W_E"].T.contiguous()
    if differ:
        state["unembed.W_U"][3, 7] += 1.0
    save_file(state, str(model_dir / "model.safetensors"))


@pytest.fixture(scope="module")
def tied_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("tied")
    model_dir = build_tiny_model_dir(root / "model")
    _tie(model_dir)
    untied_dir = build_tiny_model_dir(root / "untied")
    _tie(untied_dir, differ=True)
    tc_dir = build_tiny_transcoders(root / "tc", model_dir)
    return model_dir, untied_dir, tc_dir


def test_tied_embeddings_load_as_one_matrix_with_the_same_logits(tied_dirs):
    model_dir, untied_dir, _ = tied_dirs
    model = load_model(str(model_dir))
    assert model.unembed.W_U.data_ptr() == model.embed.W_E.data_ptr()
    stored = load_file(str(model_dir / "model.safetensors"))
    assert torch.equal(model.unembed.W_U, stored["unembed.W_U"])
    tokens = torch.tensor([[1, 5, 9, 12]])
    with torch.no_grad():
        logits = model(tokens)
        resid = model(tokens, stop_at_layer=model.cfg.n_layers)
        final = model.ln_final(resid)
        by_hand = final @ stored["unembed.W_U"] + model.unembed.b_U
        cap = model.cfg.output_logits_soft_cap
        by_hand = cap * torch.tanh(by_hand / cap) if cap and cap > 0 else by_hand
    torch.testing.assert_close(logits, by_hand, rtol=1e-5, atol=1e-5)
    # one differing value keeps the two matrices apart
    other = load_model(str(untied_dir))
    assert other.unembed.W_U.data_ptr() != other.embed.W_E.data_ptr()
    assert share_tied_unembedding(other) is False


def test_a_tied_model_gives_the_graph_of_the_same_model_untied(tied_dirs):
    model_dir, _, tc_dir = tied_dirs
    tied = load_model(str(model_dir))
    untied = load_model(str(model_dir))
    untied.unembed.W_U = torch.nn.Parameter(untied.embed.W_E.T.contiguous(), requires_grad=False)
    assert untied.unembed.W_U.data_ptr() != untied.embed.W_E.data_ptr()
    tokens = torch.tensor([1, 5, 9, 12, 7, 3])
    graphs = [
        attribute(ReplacementModel(m, load_transcoders(str(tc_dir), model=m)), tokens)
        for m in (tied, untied)
    ]
    assert torch.equal(graphs[0].logit_tokens, graphs[1].logit_tokens)
    assert torch.equal(graphs[0].selected_features, graphs[1].selected_features)
    torch.testing.assert_close(graphs[0].block, graphs[1].block)  # float32 rounding only


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.float32])
def test_the_vocabulary_mean_equals_torchs_on_any_layout(dtype):
    gen = torch.Generator().manual_seed(4)
    W_E = torch.randn(1000, 96, generator=gen).to(dtype)
    for W_U in (W_E.T, W_E.T.contiguous()):
        assert torch.equal(mean_column(W_U), W_U.mean(dim=-1, keepdim=True))


def test_attribution_of_a_bfloat16_model_makes_no_float32_copy_of_the_unembedding(tmp_path):
    model_dir = build_tiny_model_dir(tmp_path / "model", dims=BIG_VOCAB)
    _tie(model_dir)
    tc_dir = build_tiny_transcoders(tmp_path / "tc", model_dir)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(model_dir), str(tc_dir)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    growth, float_copy, shared = int(out[0]), int(out[1]), int(out[2])
    assert shared == 1
    # before: torch's mean upcast W_U (float_copy bytes) and the frozen pass kept a bfloat16
    # copy of W_U.T (half that) for the whole attribution
    assert growth < float_copy / 2, f"attribution grew the peak by {growth / float_copy:.2f}x"
