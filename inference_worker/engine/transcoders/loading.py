"""`load_transcoders`: a ref ("demo", "demo-clt", a directory, a hub repo) to a checked set.

A directory declares itself in `config.yaml`: `model_kind` (`transcoder_set` or
`cross_layer_transcoder`), `feature_input_hook`, `feature_output_hook`, and for a per-layer set
`transcoders`, the list of files (paths relative to the folder, absolute, or `hf://` refs), each a
circuit-tracer `.safetensors` or a GemmaScope `.npz`. Optional keys: `scan`,
`neuronpedia_source_set`, `feature_json_base_url`. A folder without config.yaml is read as a
GemmaScope layout (hooks `ln2.hook_normalized` -> `hook_mlp_out`, as for Gemma-2).
"""

from __future__ import annotations

from pathlib import Path

import torch
import yaml

from ..errors import EngineError
from ..mlp_hooks import MLP_HOOKS, add_mlp_hooks
from ..model_loading import demo_path, parse_dtype
from .base import SetInfo, TranscoderBase
from .clt import CrossLayerTranscoder
from .hub import gemmascope_files, hub_file, snapshot_dir
from .per_layer import TranscoderSet, load_circuit_tracer_file, load_gemmascope_file
from .shapes import check_shape

GEMMASCOPE_HOOKS = ("ln2.hook_normalized", "hook_mlp_out")


def load_transcoders(
    ref: str, *, model=None, device: str = "cpu", dtype: torch.dtype | str = torch.float32
) -> TranscoderBase:
    """Load the set `ref` and check it against `model` (a HookedTransformer) when given."""
    dtype = parse_dtype(dtype)
    if ref in ("demo", "demo-clt"):
        directory, source = demo_path("transcoders" if ref == "demo" else "clt"), ref
    elif Path(ref).expanduser().is_dir():
        directory, source = Path(ref).expanduser(), str(ref)
    elif Path(ref).expanduser().exists():
        raise EngineError(f"transcoders must be a directory with config.yaml, got a file: {ref}")
    elif ref.startswith((".", "/", "~")) or ref.count("/") != 1:
        raise EngineError(f"transcoder directory not found: {ref}")
    else:
        directory, source = snapshot_dir(ref), ref
    n_layers = model.cfg.n_layers if model is not None else None
    d_model = model.cfg.d_model if model is not None else None
    tc = load_directory(directory, n_layers=n_layers, d_model=d_model, dtype=dtype, source=source)
    if model is not None:
        check_against_model(tc, model, directory)
    return tc.to(device, dtype)


def _read_config(directory: Path) -> dict | None:
    path = directory / "config.yaml"
    if not path.is_file():
        return None
    try:
        config = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise EngineError(f"{path} is not valid YAML: {str(exc).splitlines()[0]}") from exc
    if not isinstance(config, dict):
        raise EngineError(f"{path} must be a mapping with model_kind and hooks")
    return config


def load_directory(
    directory: Path,
    *,
    n_layers: int | None,
    d_model: int | None,
    dtype: torch.dtype,
    source: str = "",
) -> TranscoderBase:
    config = _read_config(directory)
    if config is None:
        files = gemmascope_files(directory)
        if not files:
            raise EngineError(f"{directory} has no config.yaml and no GemmaScope params.npz files")
        config = {
            "model_kind": "transcoder_set",
            "feature_input_hook": GEMMASCOPE_HOOKS[0],
            "feature_output_hook": GEMMASCOPE_HOOKS[1],
            "transcoders": files,
        }
    kind = config.get("model_kind")
    hooks = {}
    for key in ("feature_input_hook", "feature_output_hook"):
        if not isinstance(config.get(key), str):
            raise EngineError(f"{directory / 'config.yaml'} lacks {key}")
        hooks[key] = config[key]
    info = SetInfo(
        scan=config.get("scan") if isinstance(config.get("scan"), str) else None,
        source=source,
        neuronpedia_source_set=config.get("neuronpedia_source_set"),
        extra={k: config[k] for k in ("feature_json_base_url", "model_name") if k in config},
    )
    if kind == "cross_layer_transcoder":
        if n_layers is None:
            n_layers = len(list(directory.glob("W_enc_*.safetensors")))
        return CrossLayerTranscoder(
            directory, n_layers, d_model=d_model, info=info, dtype=dtype, **hooks
        )
    if kind != "transcoder_set":
        raise EngineError(
            f"{directory / 'config.yaml'}: model_kind must be transcoder_set or "
            f"cross_layer_transcoder, got {kind!r}"
        )
    entries = config.get("transcoders")
    if not isinstance(entries, list) or not entries:
        raise EngineError(f"{directory / 'config.yaml'} lists no transcoders")
    layers = [_load_layer_file(_resolve(directory, str(e)), dtype) for e in entries]
    if (
        any(p.suffix == ".npz" for p in (layer["_file"] for layer in layers))
        and not info.neuronpedia_source_set
    ):
        info.neuronpedia_source_set = (
            "gemmascope-transcoder-16k" if layers[0]["W_enc"].shape[0] == 16384 else None
        )
    _check_layer_shapes(layers, d_model)
    for layer in layers:
        layer.pop("_file")
    return TranscoderSet(layers, info=info, **hooks)


def _resolve(directory: Path, entry: str) -> Path:
    if entry.startswith("hf://"):
        return hub_file(entry)
    path = Path(entry).expanduser()
    path = path if path.is_absolute() else directory / path
    if not path.is_file():
        raise EngineError(f"transcoder file not found: {path}")
    return path


def _load_layer_file(path: Path, dtype: torch.dtype) -> dict:
    if path.suffix == ".npz":
        return load_gemmascope_file(path, dtype)
    if path.suffix == ".safetensors":
        return load_circuit_tracer_file(path, dtype)
    raise EngineError(f"{path}: unknown transcoder file format (expected .safetensors or .npz)")


def _check_layer_shapes(layers: list[dict], d_model: int | None) -> None:
    d_tc = layers[0]["b_enc"].shape[0]  # 1-D, so its length is unambiguous
    dm = d_model if d_model is not None else layers[0]["b_dec"].shape[0]
    for layer in layers:
        path, npz = layer["_file"], layer["_file"].suffix == ".npz"
        # Name shapes as they are on disk: GemmaScope stores W_enc transposed.
        enc = layer["W_enc"].T if npz else layer["W_enc"]
        check_shape(path, "W_enc", enc, (dm, d_tc) if npz else (d_tc, dm))
        check_shape(path, "W_dec", layer["W_dec"], (d_tc, dm))
        check_shape(path, "b_enc", layer["b_enc"], (d_tc,))
        check_shape(path, "b_dec", layer["b_dec"], (dm,))
        if layer.get("threshold") is not None:
            check_shape(
                path,
                "threshold" if npz else "activation_function.threshold",
                layer["threshold"],
                (d_tc,),
            )
        if layer.get("W_skip") is not None:
            check_shape(path, "W_skip", layer["W_skip"], (dm, dm))


def check_against_model(tc: TranscoderBase, model, where: Path) -> None:
    """The set must cover every layer of `model` and hook points that exist in it.

    A set that declares circuit-tracer's `mlp.hook_in` / `mlp.hook_out` gets those hook points
    added to the model here (see mlp_hooks.py), so every later run can hook them by name."""
    if tc.n_layers != model.cfg.n_layers:
        raise EngineError(
            f"{where}: transcoder set has {tc.n_layers} layers, the model has {model.cfg.n_layers}"
        )
    if tc.d_model != model.cfg.d_model:
        raise EngineError(
            f"{where}: transcoder d_model {tc.d_model}, the model's is {model.cfg.d_model}"
        )
    hooks = (tc.feature_input_hook, tc.feature_output_hook)
    if any(hook in MLP_HOOKS for hook in hooks):
        add_mlp_hooks(model)
    for hook in hooks:
        if f"blocks.0.{hook}" not in model.hook_dict:
            raise EngineError(
                f"{where}: hook {hook!r} from config.yaml does not exist in the model"
            )
