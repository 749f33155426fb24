"""The general dashboard tool (library + `python -m inference_worker dashboards`) on a tiny random
model: every feature gets a schema-shaped dashboard whose figures agree with a direct computation,
the output is byte-identical across runs, and bad input is a one-line error with exit 2."""

from __future__ import annotations

import gzip

import pytest
import torch

from inference_worker.engine import load_model, load_transcoders
from inference_worker.engine.cli import main
from inference_worker.engine.dashboards import compute_dashboards, read_dashboards
from inference_worker.engine.tiny import build_tiny_model_dir, build_tiny_transcoders

TEXTS = [
    "the capital of Texas is Austin .",
    "Dallas is a city in Texas .",
    "the opposite of small is big .",
    "a cat and a dog",
    "the sun and the moon",
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    model_dir = build_tiny_model_dir(root / "model")
    tc_dir = build_tiny_transcoders(root / "plt", model_dir, kind="plt")
    clt_dir = build_tiny_transcoders(root / "clt", model_dir, kind="clt")
    texts = root / "texts.txt"
    texts.write_text("\n".join(TEXTS) + "\n")
    return model_dir, tc_dir, clt_dir, texts


@pytest.mark.parametrize("kind", ["plt", "clt"])
def test_it_computes_a_dashboard_per_feature_matching_the_activations(tiny, kind):
    model_dir, tc_dir, clt_dir, _ = tiny
    model = load_model(str(model_dir))
    transcoders = load_transcoders(str(tc_dir if kind == "plt" else clt_dir), model=model)
    dashboards = list(compute_dashboards(model, transcoders, TEXTS))
    assert len(dashboards) == transcoders.n_layers * transcoders.d_transcoder
    live = next(d for d in dashboards if d["examples_quantiles"])
    top = live["examples_quantiles"][0]["examples"][0]
    decoded = {t: [model.tokenizer.decode([i]) for i in model.to_tokens(t)[0, 1:]] for t in TEXTS}
    text = next(t for t in TEXTS if decoded[t] == top["tokens"])
    hook = f"blocks.{live['layer']}.{transcoders.feature_input_hook}"
    _, cache = model.run_with_cache(text, names_filter=hook)
    expected = transcoders.encode(live["layer"], cache[hook][0, 1:])[:, live["index"]]
    assert top["tokens_acts_list"] == pytest.approx(expected.tolist(), abs=2e-3)
    assert max(top["tokens_acts_list"]) == pytest.approx(live["activation_max"], abs=2e-3)
    decoder = transcoders.decoder_rows(live["layer"], torch.tensor([live["index"]])).sum(1)[0]
    best = (decoder @ model.W_U).argmax().item()
    assert live["top_logits"][0] == model.tokenizer.decode([best])
    assert len(live["bottom_logits"]) == 10 and live["label"]


def test_the_cli_writes_identical_compressed_files(tiny, tmp_path, capsys):
    model_dir, tc_dir, _, texts = tiny
    outputs = [tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"]
    for out in outputs:
        assert (
            main(
                [
                    "dashboards",
                    "--model",
                    str(model_dir),
                    "--transcoders",
                    str(tc_dir),
                    "--texts",
                    str(texts),
                    "--output",
                    str(out),
                ]
            )
            == 0
        )
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    assert gzip.decompress(outputs[0].read_bytes())
    assert len(list(read_dashboards(outputs[0]))) > 0
    assert "wrote" in capsys.readouterr().out


def test_bad_input_is_a_one_line_error(tiny, tmp_path, capsys):
    model_dir, tc_dir, _, texts = tiny
    missing = [
        "dashboards",
        "--model",
        str(model_dir),
        "--transcoders",
        str(tc_dir),
        "--texts",
        str(tmp_path / "nope.txt"),
        "--output",
        str(tmp_path / "o.jsonl.gz"),
    ]
    assert main(missing) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --texts file not found") and err.count("\n") == 1
    no_set = [
        "dashboards",
        "--model",
        str(model_dir),
        "--texts",
        str(texts),
        "--output",
        str(tmp_path / "o.jsonl.gz"),
    ]
    assert main(no_set) == 2
    assert "--transcoders is required" in capsys.readouterr().err
