"""The model registry: which model + transcoder-set pairs can be generated, on which queue, with
which defaults and bounds for every generation setting.

Built-in entries are below; weights locations can be pointed at local directories through
environment variables, and a JSON file (GENERATION_MODELS_FILE) can add or replace entries:
a list of objects with the fields of `ModelEntry` (`settings` maps a setting name to
{"default", "min", "max"}). The web tier reads it to validate requests; workers read it to know
what to load. Nothing here imports torch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from graphs.generation import conf
from webapp.env import env_str

_REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_MODEL_DIR = _REPO_ROOT / "inference_worker" / "demo" / "assets" / "model"


@dataclass(frozen=True)
class SettingSpec:
    """One generation setting: its type, default and inclusive bounds."""

    kind: type
    default: float | int
    minimum: float | int
    maximum: float | int

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": "integer" if self.kind is int else "number",
            "default": self.default,
            "min": self.minimum,
            "max": self.maximum,
        }


def _default_settings(max_feature_nodes: int = 3000) -> dict[str, SettingSpec]:
    return {
        "max_n_logits": SettingSpec(int, 10, 1, 50),
        "desired_logit_prob": SettingSpec(float, 0.95, 0.5, 0.99),
        "max_feature_nodes": SettingSpec(int, max_feature_nodes, 10, 10000),
        "node_threshold": SettingSpec(float, 0.8, 0.1, 1.0),
        "edge_threshold": SettingSpec(float, 0.98, 0.1, 1.0),
    }


SETTING_NAMES = tuple(_default_settings())


@dataclass(frozen=True)
class ModelEntry:
    id: str
    display_name: str
    queue: str
    model: str  # engine model ref: "demo", a hub id or a local directory
    transcoders: str  # engine transcoder ref: "demo", "demo-clt", a hub id or a local directory
    weights_source: str  # human-readable: where the weights come from
    tokenizer: str | None = None  # local dir with tokenizer.json, or hub id, for the web-side count
    max_prompt_tokens: int = 64
    batch_size: int = 256
    device: str = "cpu"  # where the worker runs it: "cpu", "cuda", "cuda:1", ...
    dtype: str = "float32"
    settings: dict[str, SettingSpec] = field(default_factory=_default_settings)
    # The model id the stored graphs carry (metadata.scan, the row's model), when it should not be
    # what the transcoders' config says: graphs from the form and the featured ones then agree.
    scan: str | None = None
    # Where the features of this entry's transcoder set are keyed (dashboards, explanations):
    # our model id (default: `scan`, else `id`) and our source-set id (default: the engine's
    # transcoder ref). Entries sharing a model share `features_model`.
    features_model: str | None = None
    source_set: str | None = None
    # The same set on Neuronpedia: its model id and the suffix of its layer strings
    # ("12-gemmascope-transcoder-16k" -> "gemmascope-transcoder-16k"); None when it has none.
    neuronpedia_model: str | None = None
    neuronpedia_source_set: str | None = None

    @property
    def feature_set(self) -> tuple[str, str]:
        """(model id, source-set id) under which this entry's features are stored."""
        return (self.features_model or self.scan or self.id, self.source_set or self.transcoders)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "display_name": self.display_name,
            "queue": self.queue,
            "max_prompt_tokens": self.max_prompt_tokens,
            "weights_source": self.weights_source,
            "settings": {name: spec.as_dict() for name, spec in self.settings.items()},
        }


# Neuronpedia's `clt-hp` source set is the 2.5M-feature CLT (its graph server names that repo);
# the smaller 426k CLT has other feature indices, so it gets a source set of its own and no link.
_NEURONPEDIA_CLT_REPO = "mntss/clt-gemma-2-2b-2.5M"


def _clt_feature_set(transcoders: str) -> dict[str, str | None]:
    if transcoders.rstrip("/").endswith(_NEURONPEDIA_CLT_REPO):
        return {
            "source_set": "clt-hp",
            "neuronpedia_model": "gemma-2-2b",
            "neuronpedia_source_set": "clt-hp",
        }
    return {"source_set": "clt-426k" if "426k" in transcoders else "clt"}


def _builtin() -> list[ModelEntry]:
    gemma = env_str("GEMMA_2_2B_PATH", "google/gemma-2-2b")
    gemmascope = env_str("GEMMASCOPE_TRANSCODERS_PATH", "google/gemma-scope-2b-pt-transcoders")
    gemma_clt = env_str("GEMMA_2_2B_CLT_PATH", "mntss/clt-gemma-2-2b-426k")
    llama = env_str("LLAMA_3_2_1B_PATH", "meta-llama/Llama-3.2-1B")
    llama_tc = env_str("LLAMA_SKIP_TRANSCODERS_PATH", "mntss/transcoder-Llama-3.2-1B")
    gpu = env_str("GENERATION_GPU_DEVICE", "cuda")
    return [
        ModelEntry(
            id="demo",
            display_name="Demo model (tiny, CPU)",
            queue="cpu.demo",
            model="demo",
            transcoders="demo",
            weights_source="bundled: inference_worker/demo/assets",
            tokenizer=str(DEMO_MODEL_DIR),
            max_prompt_tokens=32,  # the demo model's whole context (n_ctx)
            scan="demo",
            source_set="demo",
            settings=_default_settings(max_feature_nodes=500),
        ),
        ModelEntry(
            id="gemma-2-2b",
            display_name="Gemma 2 2B · GemmaScope 16k transcoders",
            queue="gpu.gemma-2-2b",
            model=gemma,
            transcoders=gemmascope,
            weights_source=f"model {gemma}; transcoders {gemmascope}",
            tokenizer=gemma,
            device=gpu,
            dtype="bfloat16",
            features_model="gemma-2-2b",
            source_set="gemmascope-transcoder-16k",
            neuronpedia_model="gemma-2-2b",
            neuronpedia_source_set="gemmascope-transcoder-16k",
        ),
        ModelEntry(
            id="gemma-2-2b-clt",
            display_name="Gemma 2 2B · cross-layer transcoder",
            queue="gpu.gemma-2-2b",
            model=gemma,
            transcoders=gemma_clt,
            weights_source=f"model {gemma}; transcoders {gemma_clt}",
            tokenizer=gemma,
            device=gpu,
            dtype="bfloat16",
            features_model="gemma-2-2b",
            **_clt_feature_set(gemma_clt),
        ),
        ModelEntry(
            id="llama-3.2-1b",
            display_name="Llama 3.2 1B · ReLU skip transcoders",
            queue="gpu.llama-3.2-1b",
            model=llama,
            transcoders=llama_tc,
            weights_source=f"model {llama}; transcoders {llama_tc}",
            tokenizer=llama,
            device=gpu,
            dtype="bfloat16",
            features_model="llama-3.2-1b",
            source_set="relu-skip-transcoders",
        ),
    ]


def _entry_from_json(raw: dict[str, Any], source: str) -> ModelEntry:
    try:
        specs = _default_settings()
        for name, spec in (raw.get("settings") or {}).items():
            if name not in specs:
                raise ImproperlyConfigured(f"{source}: unknown setting {name!r} in {raw['id']!r}")
            base = specs[name]
            specs[name] = replace(
                base,
                default=base.kind(spec.get("default", base.default)),
                minimum=base.kind(spec.get("min", base.minimum)),
                maximum=base.kind(spec.get("max", base.maximum)),
            )
        fields = {k: v for k, v in raw.items() if k != "settings"}
        fields.setdefault(
            "weights_source", f"model {raw['model']}; transcoders {raw['transcoders']}"
        )
        return ModelEntry(settings=specs, **fields)
    except (KeyError, TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"{source}: bad model entry {raw!r}: {exc}") from None


@lru_cache(maxsize=8)
def _load(models_file: str | None) -> dict[str, ModelEntry]:
    entries = {entry.id: entry for entry in _builtin()}
    if models_file:
        try:
            raw = json.loads(Path(models_file).read_text())
        except (OSError, ValueError) as exc:
            raise ImproperlyConfigured(f"GENERATION_MODELS_FILE={models_file}: {exc}") from None
        for item in raw:
            entry = _entry_from_json(item, models_file)
            entries[entry.id] = entry
    return entries


def all_entries() -> list[ModelEntry]:
    return list(_load(conf.get("GENERATION_MODELS_FILE")).values())


def get_entry(model_id: str) -> ModelEntry | None:
    return _load(conf.get("GENERATION_MODELS_FILE")).get(model_id)
