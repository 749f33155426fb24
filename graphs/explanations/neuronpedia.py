"""Neuronpedia's names for transcoder sets, and ours.

On Neuronpedia a feature is `{modelId}/{layer}-{sourceSet}/{index}`: the explanation exports carry
`modelId` and a layer string such as "12-gemmascope-transcoder-16k", and feature pages live at
https://www.neuronpedia.org/{modelId}/{layer}-{sourceSet}/{index}. Our key is (model id,
source-set id, layer, index). The mapping goes through the model registry
(graphs/generation/registry.py: `neuronpedia_model`, `neuronpedia_source_set`, `feature_set`): a
Neuronpedia set that a registry entry names maps to that entry's set; any other maps to itself
(model id and source-set id spelled as on Neuronpedia), so explanations of sets we do not run can
still be imported and shown on uploaded graphs of those sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

NEURONPEDIA_ORIGIN = "https://www.neuronpedia.org"
_LAYER_STRING = re.compile(r"^(\d{1,4})-([A-Za-z0-9][A-Za-z0-9._-]{0,99})$")
_SET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class FeatureSet:
    """Where a set's features are keyed here, and its Neuronpedia names when it has them."""

    model_id: str
    source_set: str
    neuronpedia_model: str | None = None
    neuronpedia_source_set: str | None = None

    @property
    def on_neuronpedia(self) -> bool:
        return bool(self.neuronpedia_model and self.neuronpedia_source_set)

    def neuronpedia_url(self, layer: int, index: int) -> str | None:
        if not self.on_neuronpedia:
            return None
        return (
            f"{NEURONPEDIA_ORIGIN}/{quote(self.neuronpedia_model or '')}/"
            f"{layer}-{quote(self.neuronpedia_source_set or '')}/{index}"
        )

    def as_dict(self) -> dict[str, str | None]:
        template = None
        if self.on_neuronpedia:
            template = (
                f"{NEURONPEDIA_ORIGIN}/{quote(self.neuronpedia_model or '')}/"
                f"{{layer}}-{quote(self.neuronpedia_source_set or '')}/{{index}}"
            )
        return {
            "model": self.model_id,
            "source_set": self.source_set,
            "neuronpedia_model": self.neuronpedia_model,
            "neuronpedia_source_set": self.neuronpedia_source_set,
            "neuronpedia_url_template": template,
        }


def parse_layer_string(value: str) -> tuple[int, str]:
    """ "12-gemmascope-transcoder-16k" -> (12, "gemmascope-transcoder-16k"); ValueError else."""
    match = _LAYER_STRING.match(value.strip())
    if not match:
        raise ValueError(
            f"layer {value!r} is not '<layer>-<source set>' (e.g. '12-gemmascope-transcoder-16k')"
        )
    return int(match.group(1)), match.group(2)


def valid_set_id(value: str) -> bool:
    return bool(_SET_ID.match(value))


def from_neuronpedia(neuronpedia_model: str, neuronpedia_source_set: str) -> FeatureSet:
    """Our set for a Neuronpedia (model, source set): the registry's when an entry names it."""
    from graphs.generation.registry import all_entries

    for entry in all_entries():
        if (entry.neuronpedia_model, entry.neuronpedia_source_set) == (
            neuronpedia_model,
            neuronpedia_source_set,
        ):
            model_id, source_set = entry.feature_set
            return FeatureSet(model_id, source_set, neuronpedia_model, neuronpedia_source_set)
    return FeatureSet(
        neuronpedia_model, neuronpedia_source_set, neuronpedia_model, neuronpedia_source_set
    )


def from_ours(model_id: str, source_set: str) -> FeatureSet:
    """Our set with its Neuronpedia names, when the registry gives it some (or the ids are
    Neuronpedia's own, which the import mapping makes them for unregistered sets)."""
    from graphs.generation.registry import all_entries

    for entry in all_entries():
        if entry.feature_set == (model_id, source_set):
            return FeatureSet(
                model_id, source_set, entry.neuronpedia_model, entry.neuronpedia_source_set
            )
    return FeatureSet(model_id, source_set)
