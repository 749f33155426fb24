"""Steering on the worker: the engine's `intervene` on the cached replacement model of a registry
entry. Engine refusals (a layer or feature out of range, a prompt too long for the context) come
back as {"invalid": message, "field": the request field refused} so the web tier answers 400; anything else as {"error": ...}."""

from __future__ import annotations

import logging
from typing import Any

from graphs.generation.registry import ModelEntry
from inference_worker.worker.cache import MODEL_CACHE

log = logging.getLogger(__name__)

KEYS = (
    "interventions",
    "freeze_attention",
    "constrained_layers",
    "top_k",
    "max_new_tokens",
    "temperature",
    "seed",
)


def steer(entry: ModelEntry, request: dict[str, Any]) -> dict[str, Any]:
    from inference_worker.engine import EngineError, intervene
    from inference_worker.engine.trace import load_replacement_model

    try:
        rm = load_replacement_model(
            entry.model,
            entry.transcoders,
            device=entry.device,
            dtype=entry.dtype,
            model_cache=MODEL_CACHE,
        )
        answer = intervene(
            rm,
            request["prompt"],
            request.get("interventions", []),
            **{k: request[k] for k in KEYS[1:] if k in request},
        )
    except EngineError as exc:
        return {"invalid": str(exc), "field": exc.field}
    except Exception as exc:
        log.exception("steering on %s failed", entry.id)
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"model": entry.id, **answer}
