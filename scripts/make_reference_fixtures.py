"""Generate tests/fixtures/reference/: tiny fixed-seed cases attributed by circuit-tracer 0.5.0.

Run under the oracle venv (scripts/setup_reference_venv.sh), from the repository root:

    /work/ct-venv/bin/python scripts/make_reference_fixtures.py

For every case it writes the model and transcoders in our on-disk formats, then loads *those
files* with circuit-tracer (ReplacementModel.from_config + the renamed TransformerLens state dict,
load_transcoders / load_clt), attributes fixed token ids, prunes, and saves the reference arrays
(reference.safetensors) and the settings, scores and versions (meta.json). The weights are seeded,
so re-running gives the same files up to float noise of the library versions noted in meta.json.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import yaml
from safetensors.torch import load_file, save_file

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT)]

import fixture_builders as fb  # noqa: E402

from tests.engine import prune_margins  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "reference"


@dataclass
class Case:
    name: str
    arch: str  # "gemma2" | "llama"
    transcoders: str  # "plt" | "gemmascope" | "clt"
    tc_args: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)


SETTINGS = {
    "max_n_logits": 10,
    "desired_logit_prob": 0.95,
    "max_feature_nodes": None,
    "batch_size": 64,
    "node_threshold": 0.8,
    "edge_threshold": 0.98,
}
GEMMA_PLT = {
    "jumprelu": True,
    "skip": False,
    "input_hook": "ln2.hook_normalized",
    "output_hook": "hook_mlp_out",
}
CASES = [
    Case(
        "gemma2_plt_jumprelu",
        "gemma2",
        "plt",
        {**GEMMA_PLT, "d_tc": 96, "l0": 6.0},
        {"desired_logit_prob": 0.8},
    ),
    Case(
        "llama_plt_relu_skip",
        "llama",
        "plt",
        {
            "jumprelu": False,
            "skip": True,
            "input_hook": "mlp.hook_in",
            "output_hook": "mlp.hook_out",
            "d_tc": 96,
            "l0": 6.0,
        },
    ),
    Case("gemma2_gemmascope", "gemma2", "gemmascope", {"d_tc": 96, "l0": 6.0}),
    Case("gemma2_clt", "gemma2", "clt", {"d_tc": 64, "l0": 5.0}),
    # 80 of ~300 features with batches of 16: c-t visits 64 by logit-row ranking, re-ranks, then 16
    Case(
        "gemma2_plt_capped",
        "gemma2",
        "plt",
        {**GEMMA_PLT, "d_tc": 128, "l0": 8.0},
        {"max_feature_nodes": 80, "batch_size": 16},
    ),
]
ARCH = {"gemma2": (fb.gemma2_config, 11), "llama": (fb.llama_config, 12)}
N_TOKENS = 10
# A cut whose scores are this close (relative) could flip under float noise: try another seed.
MIN_SCORE_GAP = 2e-4
MAX_SEED_TRIES = 8


def token_ids(d_vocab: int, seed: int) -> torch.Tensor:
    # BOS first: circuit-tracer prepends a special token unless the ids already start with one
    gen = torch.Generator().manual_seed(seed)
    body = torch.randint(len(fb.SPECIAL_TOKENS), d_vocab, (N_TOKENS - 1,), generator=gen)
    return torch.cat([torch.tensor([fb.BOS_ID]), body])


def load_ct_model(model_dir: Path, transcoders: Any, dtype: torch.dtype = torch.float32) -> Any:
    """circuit-tracer's ReplacementModel on our model dir (its MLP/unembed wrappers renamed)."""
    from circuit_tracer import ReplacementModel
    from transformer_lens import HookedTransformerConfig

    cfg_dict = json.loads((model_dir / "config.json").read_text())
    cfg = HookedTransformerConfig(
        **cfg_dict, tokenizer_name=str(model_dir), device="cpu", dtype=dtype
    )
    model = ReplacementModel.from_config(cfg, transcoders)
    state = {}
    for key, value in load_file(str(model_dir / "model.safetensors")).items():
        key = key.replace(".mlp.", ".mlp.old_mlp.").replace("unembed.", "unembed.old_unembed.")
        state[key] = value
    missing, unexpected = model.load_state_dict(state, strict=False)
    buffers = {name for name, _ in model.named_buffers(remove_duplicate=False)}
    stray = [k for k in missing if not k.startswith("transcoders.") and k not in buffers]
    if stray or unexpected:
        raise RuntimeError(f"state dict did not load cleanly: missing {stray}, extra {unexpected}")
    return model


def load_ct_transcoders(tc_dir: Path, dtype: torch.dtype = torch.float32) -> Any:
    from circuit_tracer.transcoder.cross_layer_transcoder import load_clt
    from circuit_tracer.utils.hf_utils import load_transcoders

    config = yaml.safe_load((tc_dir / "config.yaml").read_text())
    scan = f"fixture/{tc_dir.parent.name}"
    if config["model_kind"] == "cross_layer_transcoder":
        return load_clt(
            str(tc_dir),
            feature_input_hook=config["feature_input_hook"],
            feature_output_hook=config["feature_output_hook"],
            scan=scan,
            device=torch.device("cpu"),
            dtype=dtype,
            lazy_decoder=False,
        )
    config["transcoders"] = [str(tc_dir / p) for p in config["transcoders"]]
    config["scan"] = scan
    # c-t picks its GemmaScope npz reader by the repository name
    npz = config["transcoders"][0].endswith(".npz")
    config["repo_id"] = "google/gemma-scope-fixture" if npz else "fixture/plt"
    return load_transcoders(
        config,
        device=torch.device("cpu"),
        dtype=dtype,
        lazy_encoder=False,
        lazy_decoder=False,
    )


def build_models() -> dict[str, tuple[Path, Any]]:
    models = {}
    for arch, (make_cfg, seed) in ARCH.items():
        model_dir = OUT / "models" / arch
        model = fb.write_model_dir(model_dir, make_cfg(), seed)
        models[arch] = (model_dir, model)
    return models


def attribute_case(case: Case, models: dict[str, tuple[Path, Any]], seed: int) -> dict[str, Any]:
    """Write the case's transcoders with `seed`, attribute with circuit-tracer, return arrays."""
    from circuit_tracer import attribute
    from circuit_tracer.graph import compute_graph_scores, prune_graph

    settings = {**SETTINGS, **case.settings}
    model_dir, tl_model = models[case.arch]
    tc_dir = OUT / case.name / "transcoders"
    if tc_dir.exists():
        shutil.rmtree(tc_dir)
    tokens = token_ids(tl_model.cfg.d_vocab, seed=len(case.name))
    writer = {"plt": fb.write_plt, "gemmascope": fb.write_gemmascope, "clt": fb.write_clt}
    writer[case.transcoders](tc_dir, tl_model, tokens, seed=seed, **case.tc_args)

    ct_model = load_ct_model(model_dir, load_ct_transcoders(tc_dir))
    graph = attribute(
        tokens,
        ct_model,
        max_n_logits=settings["max_n_logits"],
        desired_logit_prob=settings["desired_logit_prob"],
        max_feature_nodes=settings["max_feature_nodes"],
        batch_size=settings["batch_size"],
    )
    if graph.input_tokens.tolist() != tokens.tolist():
        raise RuntimeError("circuit-tracer changed the token ids (a BOS was prepended?)")
    pruned = prune_graph(
        graph, node_threshold=settings["node_threshold"], edge_threshold=settings["edge_threshold"]
    )
    replacement, completeness = compute_graph_scores(graph)
    arrays = {
        "adjacency": graph.adjacency_matrix.float(),
        "active_features": graph.active_features.long(),
        "selected_features": graph.selected_features.long(),
        "activation_values": graph.activation_values.float(),
        "input_tokens": graph.input_tokens.long(),
        "logit_tokens": graph.logit_token_ids.long(),
        "logit_probabilities": graph.logit_probabilities.float(),
        "node_mask": pruned.node_mask.bool(),
        "edge_mask": pruned.edge_mask.bool(),
        "cumulative_scores": pruned.cumulative_scores.float(),
    }
    check = prune_margins.prune(
        arrays["adjacency"].numpy(),
        arrays["logit_probabilities"].numpy(),
        len(graph.selected_features),
        len(tokens),
        settings["node_threshold"],
        settings["edge_threshold"],
    )
    if not (
        (check.node_mask == arrays["node_mask"].numpy()).all()
        and (check.edge_mask == arrays["edge_mask"].numpy()).all()
    ):
        raise RuntimeError(f"{case.name}: numpy pruning disagrees with circuit-tracer's")
    meta = {
        "case": case.name,
        "model": f"../models/{case.arch}",
        "transcoders": "transcoders",
        "transcoder_format": case.transcoders,
        "transcoder_seed": seed,
        "settings": settings,
        "replacement_score": replacement,
        "completeness_score": completeness,
        "n_active_features": len(graph.active_features),
        "n_selected_features": len(graph.selected_features),
        "n_nodes": graph.adjacency_matrix.shape[0],
        "margins": check.describe(),
        "generated_by": {
            n: md.version(n)
            for n in ("circuit-tracer", "transformer-lens", "transformers", "torch")
        },
    }
    return {"arrays": arrays, "meta": meta, "gap": check.smallest_score_gap}


def run_case(case: Case, models: dict[str, tuple[Path, Any]]) -> dict[str, Any]:
    """Pick the first transcoder seed whose pruning cuts are clear of near-ties, then save."""
    base = ARCH[case.arch][1] * 100 + len(case.name)
    tried = []
    for attempt in range(MAX_SEED_TRIES):
        result = attribute_case(case, models, base + 1000 * attempt)
        tried.append((result["gap"], base + 1000 * attempt))
        if result["gap"] >= MIN_SCORE_GAP:
            break
    else:
        # none was clear: rebuild the best one (its margin is recorded in meta.json)
        result = attribute_case(case, models, max(tried)[1])
    case_dir = OUT / case.name
    save_file(
        {k: v.detach().cpu().contiguous() for k, v in result["arrays"].items()},
        str(case_dir / "reference.safetensors"),
    )
    (case_dir / "meta.json").write_text(json.dumps(result["meta"], indent=2) + "\n")
    return result["meta"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", help="only these cases (default: all)")
    args = parser.parse_args()
    models = build_models()
    for case in CASES:
        if args.case and case.name not in args.case:
            continue
        meta = run_case(case, models)
        print(
            f"{case.name}: {meta['n_selected_features']}/{meta['n_active_features']} features, "
            f"{meta['n_nodes']} nodes, replacement {meta['replacement_score']:.4f}, "
            f"completeness {meta['completeness_score']:.4f}; {meta['margins']}"
        )


if __name__ == "__main__":
    main()
