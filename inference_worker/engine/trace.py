"""`trace`: the one entry point per job (web worker, CLI): load, attribute, prune, export.

`model_cache` (any dict the caller keeps, e.g. one per worker process) reuses the loaded
replacement model across jobs with the same model, transcoders, device and dtype.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

import torch

from .attribution import attribute
from .errors import EngineError
from .export_json import to_graph_json
from .model_loading import load_model, parse_dtype
from .pruning import prune_graph
from .replacement import ReplacementModel
from .scores import graph_scores
from .settings import DEFAULTS, AttributionSettings
from .transcoders import load_transcoders


def load_replacement_model(
    model_ref: str,
    transcoders_ref: str | None,
    *,
    device: str = DEFAULTS.device,
    dtype: torch.dtype | str = DEFAULTS.dtype,
    model_cache: MutableMapping | None = None,
) -> ReplacementModel:
    """Load (or fetch from `model_cache`) the replacement model; "demo" models default to the
    demo transcoders."""
    dtype = parse_dtype(dtype)
    if transcoders_ref is None:
        if model_ref != "demo":
            raise EngineError("--transcoders is required unless --model is demo")
        transcoders_ref = "demo"
    key = (model_ref, transcoders_ref, str(device), str(dtype))
    if model_cache is not None and key in model_cache:
        return model_cache[key]
    model = load_model(model_ref, device=device, dtype=dtype)
    tc = load_transcoders(transcoders_ref, model=model, device=device, dtype=dtype)
    rm = ReplacementModel(model, tc)
    if model_cache is not None:
        model_cache[key] = rm
    return rm


def run_graph(
    rm: ReplacementModel, prompt, settings: AttributionSettings, progress: Callable | None = None
):
    """Attribute and prune; returns (result, pruned, scores)."""
    report = progress or (lambda *a: None)
    result = attribute(
        rm,
        prompt,
        max_n_logits=settings.max_n_logits,
        desired_logit_prob=settings.desired_logit_prob,
        attribution_targets=settings.target_spec(),
        max_feature_nodes=settings.max_feature_nodes,
        batch_size=settings.batch_size,
        update_interval=settings.update_interval,
        progress=report,
    )
    report("pruning", 0, 1)
    pruned = prune_graph(
        result, node_threshold=settings.node_threshold, edge_threshold=settings.edge_threshold
    )
    scores = graph_scores(result)
    report("pruning", 1, 1)
    return result, pruned, scores


def trace(
    model_ref: str,
    transcoders_ref: str | None,
    prompt: str | list[int] | torch.Tensor,
    *,
    settings: dict,
    progress: Callable[[str, int, int], None] | None = None,
    model_cache: MutableMapping | None = None,
) -> dict:
    """Build the pruned graph of `prompt` and return it as Neuronpedia graph JSON.

    `settings` holds `AttributionSettings` fields by name; those left out or None keep their
    defaults."""
    s = AttributionSettings.from_mapping(settings)
    report = progress or (lambda *a: None)
    report("loading", 0, 1)
    rm = load_replacement_model(
        model_ref, transcoders_ref, device=s.device, dtype=s.dtype, model_cache=model_cache
    )
    report("loading", 1, 1)
    if isinstance(prompt, list):
        prompt = torch.tensor(prompt, dtype=torch.long)
    result, pruned, scores = run_graph(rm, prompt, s, report)
    report("export", 0, 1)
    graph = to_graph_json(
        result,
        pruned,
        slug=s.slug,
        node_threshold=s.node_threshold,
        edge_threshold=s.edge_threshold,
        tokenizer=rm.tokenizer,
        feature_json_base_url=s.feature_json_base_url,
        scores=scores,
    )
    report("export", 1, 1)
    return graph
