"""Reproducible training: rerun the first steps of each training script and match the committed
loss traces. One thread makes CPU float reductions deterministic; the tolerance covers the last
bits that differ between CPU kernels (a different batch or seed changes the losses by >1e-2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from inference_worker.demo import train_model, train_transcoders
from inference_worker.demo.training import TRACES_DIR

TOLERANCE = 2e-4


@pytest.fixture
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _losses(path: Path) -> tuple[dict, list[float]]:
    payload = json.loads(path.read_text())
    return payload["args"], payload["losses"]


@pytest.mark.slow
def test_it_replays_the_model_training_trace(tmp_path, one_thread):
    args, expected = _losses(TRACES_DIR / "train_model.json")
    out = tmp_path / "trace.json"
    train_model.main(
        [
            "--stop-after",
            str(args["stop_after"]),
            "--threads",
            "1",
            "--seed",
            str(args["seed"]),
            "--checkpoint",
            str(tmp_path / "ck.pt"),
            "--trace",
            str(out),
        ]
    )
    _, actual = _losses(out)
    assert len(actual) == len(expected) >= 10
    assert actual == pytest.approx(expected, abs=TOLERANCE)
    assert actual[-1] < actual[0] - 0.5  # it is learning, not replaying a constant


@pytest.mark.slow
def test_it_replays_the_transcoder_training_traces(tmp_path, one_thread):
    args, expected = _losses(TRACES_DIR / "train_transcoders.json")
    _, expected_clt = _losses(TRACES_DIR / "train_transcoders_clt.json")
    out = tmp_path / "trace.json"
    train_transcoders.main(
        ["--stop-after", str(args["stop_after"]), "--threads", "1", "--trace", str(out)]
    )
    _, actual = _losses(out)
    _, actual_clt = _losses(tmp_path / "trace_clt.json")
    assert actual == pytest.approx(expected, abs=TOLERANCE)
    assert actual_clt == pytest.approx(expected_clt, abs=TOLERANCE)
    assert actual[-1] < actual[0] and actual_clt[-1] < actual_clt[0]
