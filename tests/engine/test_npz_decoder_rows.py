"""GemmaScope decoders stay on disk: decoder_rows reads the rows asked for from params.npz, and
they are the rows an eager load would give, in the order asked, in the set's dtype."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch

from inference_worker.engine import load_model, load_transcoders
from inference_worker.engine.transcoders.npz_rows import StoredRows

LAYER_FILE = "layer_1/width_16k/average_l0_20/params.npz"
IDX = [5, 6, 7, 0, 40, 7, 41, 3]  # a run, a repeat, out of order


@pytest.fixture(scope="module")
def gemma(tiny_dirs):
    return load_model(str(tiny_dirs["gemma2"]))


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_it_reads_the_asked_rows_from_disk(tiny_dirs, gemma, dtype):
    tc = load_transcoders(str(tiny_dirs["gemma2-gemmascope"]), model=gemma, dtype=dtype)
    assert isinstance(tc.W_dec[1], StoredRows)  # not held in memory
    w_dec = torch.from_numpy(np.load(tiny_dirs["gemma2-gemmascope"] / LAYER_FILE)["W_dec"])
    rows = tc.decoder_rows(1, torch.tensor(IDX))
    assert rows.shape == (len(IDX), 1, gemma.cfg.d_model) and rows.dtype == dtype
    assert torch.equal(rows[:, 0], w_dec[IDX].to(dtype))
    assert tc.decoder_rows(1, torch.tensor([], dtype=torch.long)).shape[0] == 0


def test_a_compressed_npz_is_loaded_whole_with_the_same_rows(tiny_dirs, gemma, tmp_path):
    copy = tmp_path / "gs"
    shutil.copytree(tiny_dirs["gemma2-gemmascope"], copy)
    params = dict(np.load(copy / LAYER_FILE))
    np.savez_compressed(copy / LAYER_FILE, **params)
    assert StoredRows.locate(copy / LAYER_FILE, "W_dec") is None
    tc = load_transcoders(str(copy), model=gemma)
    assert isinstance(tc.W_dec[1], torch.Tensor)
    rows = tc.decoder_rows(1, torch.tensor(IDX))[:, 0]
    assert torch.equal(rows, torch.from_numpy(params["W_dec"])[IDX])
    # the other layers, uncompressed, are still read in place
    assert isinstance(tc.W_dec[0], StoredRows)
