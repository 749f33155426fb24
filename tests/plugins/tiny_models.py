"""Tiny models and transcoder sets, built once per test session (see engine/tiny.py) and
shared by the engine and steering tests (a plugin of tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from inference_worker.engine.mlp_hooks import MLP_HOOKS
from inference_worker.engine.tiny import build_tiny_model_dir, build_tiny_transcoders

KINDS = ("plt", "plt-skip", "clt", "gemmascope")


@pytest.fixture(scope="session")
def tiny_dirs(tmp_path_factory) -> dict[str, Path]:
    """{"gemma2": dir, "llama": dir, "gemma2-plt": dir, ...} on disk."""
    root = tmp_path_factory.mktemp("tiny")
    dirs: dict[str, Path] = {}
    for arch in ("gemma2", "llama"):
        dirs[arch] = build_tiny_model_dir(root / arch, arch=arch, seed=0)
        for kind in KINDS:
            dirs[f"{arch}-{kind}"] = build_tiny_transcoders(
                root / f"{arch}-{kind}", dirs[arch], kind=kind
            )
        # circuit-tracer's hub sets (Llama, Qwen) declare the MLP's own input and raw output.
        dirs[f"{arch}-plt-skip-mlp"] = build_tiny_transcoders(
            root / f"{arch}-plt-skip-mlp", dirs[arch], kind="plt-skip", hooks=MLP_HOOKS
        )
    return dirs


@pytest.fixture(scope="session")
def replacement_models(tiny_dirs):
    """Loaded float64 replacement models, cached per (arch, kind)."""
    from inference_worker.engine import ReplacementModel, load_model, load_transcoders

    cache: dict = {}

    def get(arch: str, kind: str, dtype: str = "float64"):
        key = (arch, kind, dtype)
        if key not in cache:
            if (arch, dtype) not in cache:
                cache[(arch, dtype)] = load_model(str(tiny_dirs[arch]), dtype=dtype)
            model = cache[(arch, dtype)]
            tc = load_transcoders(str(tiny_dirs[f"{arch}-{kind}"]), model=model, dtype=dtype)
            cache[key] = ReplacementModel(model, tc)
        return cache[key]

    return get
