"""`python -m inference_worker attribute`: outputs, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from safetensors.torch import load_file

from inference_worker.engine.cli import main


def _run(capsys, *args):
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse errors
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_it_writes_the_graph_and_the_raw_export(tiny_dirs, tmp_path, capsys):
    out, raw = tmp_path / "g.json", tmp_path / "raw.safetensors"
    code, stdout, _ = _run(
        capsys,
        "attribute",
        "--model",
        str(tiny_dirs["llama"]),
        "--transcoders",
        str(tiny_dirs["llama-clt"]),
        "--token-ids",
        "1,4,28,7,32,10",
        "--max-feature-nodes",
        "40",
        "--batch-size",
        "16",
        "--max-n-logits",
        "3",
        "--node-threshold",
        "0.7",
        "--output",
        str(out),
        "--raw",
        str(raw),
    )
    assert code == 0 and "wrote" in stdout
    graph = json.loads(out.read_text())
    assert graph["metadata"]["generation_settings"]["max_feature_nodes"] == 40
    assert graph["metadata"]["node_threshold"] == 0.7
    tensors = load_file(str(raw))
    assert tensors["input_tokens"].tolist() == [1, 4, 28, 7, 32, 10]  # used as given, no BOS added
    assert tensors["selected_features"].numel() == 40 and tensors["logit_tokens"].numel() <= 3


@pytest.mark.parametrize(
    "case,message",
    [
        ("missing-transcoders", "transcoder directory not found"),
        ("missing-model", "model directory not found"),
        ("wrong-format", "no config.yaml and no GemmaScope"),
        ("too-long", "more than the model's context of 64"),
        ("empty", "the prompt is empty"),
        ("bad-ids", "--token-ids must be comma-separated integers"),
        ("bad-threshold", "must be between 0 and 1"),
    ],
)
def test_user_errors_are_one_line_with_exit_code_2(tiny_dirs, tmp_path, capsys, case, message):
    model, tcs = str(tiny_dirs["gemma2"]), str(tiny_dirs["gemma2-plt"])
    args = {
        "missing-transcoders": [
            "--model",
            model,
            "--transcoders",
            str(tmp_path / "x"),
            "--prompt",
            "a",
        ],
        "missing-model": ["--model", str(tmp_path / "m"), "--transcoders", tcs, "--prompt", "a"],
        "wrong-format": ["--model", model, "--transcoders", str(tmp_path), "--prompt", "a"],
        "too-long": ["--model", model, "--transcoders", tcs, "--token-ids", ",".join(["5"] * 65)],
        "empty": ["--model", model, "--transcoders", tcs, "--prompt", ""],
        "bad-ids": ["--model", model, "--transcoders", tcs, "--token-ids", "1,x"],
        "bad-threshold": [
            "--model",
            model,
            "--transcoders",
            tcs,
            "--prompt",
            "a",
            "--node-threshold",
            "2",
        ],
    }[case]
    code, _, err = _run(capsys, "attribute", *args, "--output", str(tmp_path / "g.json"))
    assert code == 2
    assert message in err and err.count("\n") == 1 and err.startswith("error: ")
    assert not (tmp_path / "g.json").exists()


def test_the_real_command_prints_no_traceback(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "inference_worker",
            "attribute",
            "--model",
            str(tmp_path / "none"),
            "--transcoders",
            str(tmp_path),
            "--prompt",
            "hello",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error: model directory not found")
    assert "Traceback" not in proc.stderr
