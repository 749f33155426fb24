"""The attribution engine: torch + TransformerLens + safetensors, and no Django.

Public API: load_model, load_transcoders, ReplacementModel, attribute,
prune_graph, graph_scores, to_graph_json, save_raw, trace, EngineError, intervene (+ Intervention),
the attribution targets CustomTarget and LogitDiff, and AttributionSettings (DEFAULTS: the defaults of attribute, prune_graph, to_graph_json, trace).
"""

from __future__ import annotations

from .attribution import attribute
from .errors import EngineError
from .export_json import to_graph_json
from .export_raw import save_raw
from .intervention_run import GENERATED, Intervention
from .interventions import intervene
from .model_loading import load_model, share_tied_unembedding
from .pruning import PruneResult, prune_graph
from .replacement import ReplacementModel
from .result import AttributionResult
from .scores import graph_scores
from .settings import DEFAULTS, AttributionSettings
from .targets import CustomTarget, LogitDiff
from .trace import trace
from .transcoders import CrossLayerTranscoder, TranscoderSet, load_transcoders
from .version import __version__

__all__ = [
    "DEFAULTS",
    "GENERATED",
    "AttributionResult",
    "AttributionSettings",
    "CrossLayerTranscoder",
    "CustomTarget",
    "EngineError",
    "Intervention",
    "LogitDiff",
    "PruneResult",
    "ReplacementModel",
    "TranscoderSet",
    "__version__",
    "attribute",
    "graph_scores",
    "intervene",
    "load_model",
    "load_transcoders",
    "prune_graph",
    "save_raw",
    "share_tied_unembedding",
    "to_graph_json",
    "trace",
]
