"""Loading a local model dir holds its weights once: read straight into parameters that skip
TransformerLens's random initialisation, with plain reads (mapped file pages would count in the
process's resident memory too). The old path, a random model beside a whole state dict, peaked
at twice the weights and more."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import torch
from safetensors.torch import load_file, save_file

from inference_worker.engine import EngineError, load_model
from inference_worker.engine.tiny import build_tiny_model_dir

# about 240 MB of float32 in many tensors, none above 9 MB (fixed costs of a load, the
# tokenizer and buffers, are ~20 MB)
DIMS = {"n_layers": 8, "d_model": 512, "d_mlp": 4096, "n_heads": 8, "d_head": 64}
CHILD = textwrap.dedent("""
    import sys, torch
    import transformer_lens
    from inference_worker.engine import load_model
    def peak():  # VmHWM: ru_maxrss survives exec and could be pytest's
        status = open("/proc/self/status").read()
        return int(status.split("VmHWM:")[1].split()[0]) * 1024
    base = peak()
    model = load_model(sys.argv[1], dtype=sys.argv[2])
    print(peak() - base, sum(p.numel() * p.element_size() for p in model.parameters()))
""")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return build_tiny_model_dir(tmp_path_factory.mktemp("m") / "model", dims=DIMS)


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_it_loads_the_stored_weights_exactly(model_dir, dtype):
    stored = load_file(str(model_dir / "model.safetensors"))
    model = load_model(str(model_dir), dtype=dtype)
    for name, param in model.named_parameters():
        assert param.dtype == getattr(torch, dtype)
        assert torch.equal(param, stored[name].to(param.dtype)), name


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_it_holds_the_weights_once_while_loading(model_dir, dtype):
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(model_dir), dtype],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    growth, weights = int(out[0]), int(out[1])
    assert weights > 10_000_000
    assert growth < 1.3 * weights, f"peak grew {growth / weights:.2f}x the weights"


def test_it_refuses_a_truncated_or_foreign_file(model_dir, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    data = (model_dir / "model.safetensors").read_bytes()
    (broken / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(EngineError, match="truncated"):
        load_model(str(broken))
    (broken / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00not json at all!")
    with pytest.raises(EngineError, match="not a safetensors file"):
        load_model(str(broken))
    state = load_file(str(model_dir / "model.safetensors"))
    state["embed.W_E"] = state["embed.W_E"].to(torch.int32)
    save_file(state, str(broken / "model.safetensors"))
    with pytest.raises(EngineError, match="stored as I32"):
        load_model(str(broken))
