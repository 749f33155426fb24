"""`attribute --target / --target-id / --logit-diff / --target-vectors`: the graph they write, and
one-line errors (exit 2, no traceback) for unknown tokens, wrong shapes and mixed flags."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from safetensors.numpy import load_file
from safetensors.torch import save_file

from inference_worker.engine.cli import main

PROMPT = "the capital of Texas is"


def _run(capsys, tiny_dirs, tmp_path, *extra):
    args = [
        "attribute",
        "--model",
        str(tiny_dirs["gemma2"]),
        "--transcoders",
        str(tiny_dirs["gemma2-plt"]),
        "--prompt",
        PROMPT,
        "--max-feature-nodes",
        "30",
        "--output",
        str(tmp_path / "g.json"),
        "--raw",
        str(tmp_path / "raw.safetensors"),
        *extra,
    ]
    try:
        code = main(args)
    except SystemExit as exc:  # argparse errors
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _logit_nodes(tmp_path) -> list[dict]:
    graph = json.loads((tmp_path / "g.json").read_text())
    return [n for n in graph["nodes"] if n["feature_type"] == "logit"]


def test_logit_diff_writes_one_target_node_labelled_a_minus_b(tiny_dirs, tmp_path, capsys):
    code, _, err = _run(capsys, tiny_dirs, tmp_path, "--logit-diff", "Austin", "Dallas")
    assert code == 0, err
    (node,) = _logit_nodes(tmp_path)
    assert node["clerp"].startswith('Output "Austin \N{MINUS SIGN} Dallas" (p=')
    assert node["node_id"] == f"5_86_{node['ctx_idx']}"  # layer n+1, virtual index d_vocab + 0
    graph = json.loads((tmp_path / "g.json").read_text())
    settings = graph["metadata"]["generation_settings"]
    assert settings["attribution_targets"]["kind"] == "logit_diff"
    assert settings["attribution_targets"]["tokens"] == ["Austin", "Dallas"]
    assert "max_n_logits" not in settings
    assert any(link["target"] == node["node_id"] for link in graph["links"])


def test_targets_by_string_and_id_keep_their_order(tiny_dirs, tmp_path, capsys):
    code, _, err = _run(
        capsys, tiny_dirs, tmp_path, "--target", "Austin", "--target-id", "5", "--target", "Paris"
    )
    assert code == 0, err
    raw = load_file(str(tmp_path / "raw.safetensors"))
    austin, paris = 4 + 31, 4 + 29  # tiny.WORDS after the 4 specials
    assert raw["logit_tokens"].tolist() == [austin, 5, paris]
    assert [n["clerp"].split('"')[1] for n in _logit_nodes(tmp_path)] == ["Austin", "a", "Paris"]


@pytest.mark.parametrize("layout", ["safetensors", "npz", "npy"])
def test_target_vectors_files_give_labelled_weighted_directions(
    tiny_dirs, tmp_path, capsys, layout
):
    vectors = torch.randn(2, 32, generator=torch.Generator().manual_seed(0))
    path = tmp_path / f"dirs.{layout}"
    if layout == "safetensors":
        save_file(
            {"vectors": vectors, "weights": torch.tensor([0.25, 0.75])},
            str(path),
            metadata={"labels": json.dumps(["north", "south"])},
        )
    elif layout == "npz":
        np.savez(
            path,
            vectors=vectors.numpy(),
            weights=np.array([0.25, 0.75]),
            labels=np.array(["north", "south"]),
        )
    else:
        np.save(path, vectors.numpy())
    code, _, err = _run(capsys, tiny_dirs, tmp_path, "--target-vectors", str(path))
    assert code == 0, err
    raw = load_file(str(tmp_path / "raw.safetensors"))
    assert raw["logit_tokens"].tolist() == [86, 87]
    labels = [n["clerp"].split('"')[1] for n in _logit_nodes(tmp_path)]
    if layout == "npy":
        assert labels == ["vector 1", "vector 2"] and raw["logit_probabilities"].tolist() == [1, 1]
    else:
        assert labels == ["north", "south"]
        assert raw["logit_probabilities"].tolist() == [0.25, 0.75]


def _bad_file(tmp_path, case):
    path = tmp_path / "bad.safetensors"
    if case == "shape":
        save_file({"vectors": torch.zeros(2, 31)}, str(path))
    elif case == "no-vectors":
        save_file({"directions": torch.zeros(2, 32)}, str(path))
    elif case == "labels":
        save_file({"vectors": torch.ones(2, 32)}, str(path), metadata={"labels": '["only one"]'})
    elif case == "pickle":
        path = tmp_path / "bad.npz"
        np.savez(path, vectors=np.ones((1, 32)), labels=np.array([{"x": 1}], dtype=object))
    elif case == "weights":
        save_file({"vectors": torch.ones(1, 32), "weights": torch.tensor([-1.0])}, str(path))
    return str(path)


@pytest.mark.parametrize(
    "case,message",
    [
        ("unknown-token", "target token 'Houston' is not one token of this model's vocabulary"),
        ("two-tokens", "target token 'capital city' is not one token"),
        ("diff-unknown", "target token 'Lyon' is not one token"),
        ("with-max-n-logits", "--target cannot be used with --max-n-logits"),
        ("with-desired-prob", "--logit-diff cannot be used with --desired-logit-prob"),
        ("two-kinds", "--target and --logit-diff cannot be used together"),
        ("diff-one-token", "argument --logit-diff: expected 2 arguments"),
        ("shape", "vectors has shape (2, 31), expected (n, 32)"),
        ("no-vectors", "has no tensor named 'vectors'"),
        ("labels", "labels must be 2 strings, one per vector"),
        ("pickle", "is not a readable numpy file"),
        ("weights", "the weight must be positive, got -1.0"),
        ("missing-file", "target vectors file not found"),
    ],
)
def test_bad_targets_are_one_line_errors(tiny_dirs, tmp_path, capsys, case, message):
    extra = {
        "unknown-token": ["--target", "Houston"],
        "two-tokens": ["--target", "capital city"],
        "diff-unknown": ["--logit-diff", "Paris", "Lyon"],
        "with-max-n-logits": ["--target", "Paris", "--max-n-logits", "3"],
        "with-desired-prob": ["--desired-logit-prob", "0.5", "--logit-diff", "Paris", "Austin"],
        "two-kinds": ["--target", "Paris", "--logit-diff", "Paris", "Austin"],
        "diff-one-token": ["--logit-diff", "Paris"],
        "missing-file": ["--target-vectors", str(tmp_path / "none.npy")],
    }.get(case) or ["--target-vectors", _bad_file(tmp_path, case)]
    code, _, err = _run(capsys, tiny_dirs, tmp_path, *extra)
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "g.json").exists()
