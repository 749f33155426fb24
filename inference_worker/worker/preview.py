"""The tokenize preview: a prompt's tokens, as the engine will attribute them, and the model's
top next-token probabilities. It uses the same cached replacement model as the jobs, so a worker
holds one copy of each model."""

from __future__ import annotations

from typing import Any

from graphs.generation.registry import ModelEntry
from inference_worker.worker.cache import MODEL_CACHE

TOP_K = 10


def preview(entry: ModelEntry, prompt: str) -> dict[str, Any]:
    import torch

    from inference_worker.engine.trace import load_replacement_model

    rm = load_replacement_model(
        entry.model,
        entry.transcoders,
        device=entry.device,
        dtype=entry.dtype,
        model_cache=MODEL_CACHE,
    )
    ids = rm.tokenize(prompt)  # [pos], with the engine's BOS rule
    with torch.no_grad():
        logits = rm.model(ids.unsqueeze(0).to(rm.model.cfg.device))[0, -1]  # [d_vocab]
    probs = torch.softmax(logits.float(), dim=-1)
    top = torch.topk(probs, k=min(TOP_K, probs.shape[-1]))
    decode = rm.tokenizer.decode
    unk = getattr(rm.tokenizer, "unk_token_id", None)
    return {
        "model": entry.id,
        "tokens": [decode([i]) for i in ids.tolist()],
        "token_ids": ids.tolist(),
        "n_tokens": int(ids.numel()),
        # Words outside the vocabulary all become one placeholder: the graph cannot tell them apart.
        "unknown_tokens": 0 if unk is None else int((ids == unk).sum()),
        "max_prompt_tokens": entry.max_prompt_tokens,
        "top_next": [
            {"token": decode([i]), "id": i, "prob": round(p, 6)}
            for p, i in zip(top.values.tolist(), top.indices.tolist(), strict=True)
        ],
    }
