"""Which transcoder set a graph's features belong to, derived from the graph itself, so uploaded
Neuronpedia graphs link every feature to its Neuronpedia page and show our explanations without
anyone editing their JSON.

Evidence, strongest first (the first that names a set wins; `how` says which):
1. `metadata.feature_details.neuronpedia_source_set` (with `scan` as the Neuronpedia model), or
   our own `metadata.feature_details.source_set`;
2. a Neuronpedia URL in `metadata.info.source_urls` (`https://neuronpedia.org/{model}/{set}`,
   which Neuronpedia's graph server writes into every graph it makes);
3. `metadata.info.transcoder_set`: a Hugging Face repo Neuronpedia serves as a set
   (GemmaScope 2B transcoders -> `gemmascope-transcoder-16k`, the 2.5M-feature Gemma-2-2B CLT ->
   `clt-hp`), or the transcoders of one of our registry entries;
4. `scan` alone: the registry entry of that model when there is one; for `gemma-2-2b`, the node
   ids decide between Neuronpedia's two sets: an index past 16,383 exists only in the 2.5M CLT
   (98,304 features per layer), otherwise it is GemmaScope's 16k per-layer set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphs.explanations.neuronpedia import FeatureSet, from_neuronpedia, from_ours, valid_set_id

# Facts from Neuronpedia's graph server (its transcoder set -> source URL table).
_NEURONPEDIA_SETS_BY_REPO = {
    "google/gemma-scope-2b-pt-transcoders": ("gemma-2-2b", "gemmascope-transcoder-16k"),
    "mntss/clt-gemma-2-2b-2.5M": ("gemma-2-2b", "clt-hp"),
    "mwhanna/qwen3-4b-transcoders": ("qwen3-4b", "transcoder-hp"),
}
_NEURONPEDIA_URL = re.compile(
    r"^https?://(?:www\.)?neuronpedia\.org/([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)/?$"
)
_GEMMASCOPE_16K_WIDTH = 16384


@dataclass(frozen=True)
class DerivedSet:
    feature_set: FeatureSet
    how: str  # which evidence named it (see the module docstring)

    def as_dict(self) -> dict[str, Any]:
        return {**self.feature_set.as_dict(), "derived_from": self.how}


def derive(metadata: dict[str, Any], pairs: Iterable[tuple[int, int]] = ()) -> DerivedSet | None:
    """The set of a graph with this `metadata` and these feature (layer, index) pairs."""
    scan = metadata.get("scan") if isinstance(metadata.get("scan"), str) else ""
    details = metadata.get("feature_details")
    details = details if isinstance(details, dict) else {}
    info = metadata.get("info")
    info = info if isinstance(info, dict) else {}

    np_set = details.get("neuronpedia_source_set")
    if scan and isinstance(np_set, str) and valid_set_id(np_set):
        return DerivedSet(from_neuronpedia(scan, np_set), "metadata.feature_details")
    own_set = details.get("source_set")
    if scan and isinstance(own_set, str) and valid_set_id(own_set):
        return DerivedSet(from_ours(scan, own_set), "metadata.feature_details")

    for url in info.get("source_urls") or []:
        match = _NEURONPEDIA_URL.match(url) if isinstance(url, str) else None
        if match and match.group(2) != "graph":
            return DerivedSet(from_neuronpedia(match.group(1), match.group(2)), "info.source_urls")

    repo = info.get("transcoder_set")
    if isinstance(repo, str) and repo:
        by_repo = _from_repo(repo.strip().rstrip("/"))
        if by_repo is not None:
            return DerivedSet(by_repo, "info.transcoder_set")

    return _from_scan(scan, pairs) if scan else None


def _from_repo(repo: str) -> FeatureSet | None:
    from graphs.generation.registry import all_entries

    if repo in _NEURONPEDIA_SETS_BY_REPO:
        return from_neuronpedia(*_NEURONPEDIA_SETS_BY_REPO[repo])
    for entry in all_entries():
        if entry.transcoders.rstrip("/") == repo:
            return from_ours(*entry.feature_set)
    return None


def _from_scan(scan: str, pairs: Iterable[tuple[int, int]]) -> DerivedSet | None:
    from graphs.generation.registry import all_entries

    if scan == "gemma-2-2b":
        wide = any(index >= _GEMMASCOPE_16K_WIDTH for _, index in pairs)
        return DerivedSet(
            from_neuronpedia("gemma-2-2b", "clt-hp" if wide else "gemmascope-transcoder-16k"),
            "scan and node ids",
        )
    matches = {
        entry.feature_set
        for entry in all_entries()
        if scan in (entry.id, entry.scan, entry.features_model)
    }
    if len(matches) == 1:
        return DerivedSet(from_ours(*matches.pop()), "scan")
    return None
