"""Resolve a Hugging Face hub reference to files in the local cache, never the network.

Refs: "owner/repo" (a repo with config.yaml, a CLT repo, or a GemmaScope repo laid out as
`layer_{i}/width_{w}/average_l0_{N}/params.npz`), and `hf://owner/repo/path/in/repo` entries inside
a config.yaml. Only `local_files_only=True` look-ups are made, so this works with
HF_HUB_OFFLINE=1 and fails with a clear error when a file was never downloaded.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import EngineError

_GEMMASCOPE = re.compile(r"^layer_(\d+)/width_([^/]+)/average_l0_(\d+)/params\.npz$")


def snapshot_dir(repo_id: str, revision: str | None = None) -> Path:
    """The cached snapshot folder of `repo_id`, or an EngineError if it is not in the cache."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        return Path(snapshot_download(repo_id, revision=revision, local_files_only=True))
    except (
        LocalEntryNotFoundError,
        HFValidationError,
        FileNotFoundError,
        OSError,
        ValueError,
    ) as exc:
        raise EngineError(
            f"transcoders {repo_id!r} are neither a local directory nor in the Hugging Face cache "
            "(offline look-up only)"
        ) from exc


def hub_file(spec: str) -> Path:
    """Resolve `hf://owner/repo/path[@revision]` (circuit-tracer's config.yaml form) offline."""
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    rest = spec.removeprefix("hf://")
    revision = None
    if "@" in rest:
        rest, revision = rest.rsplit("@", 1)
    parts = rest.split("/")
    if len(parts) < 3:
        raise EngineError(f"bad hub file reference {spec!r} (expected hf://owner/repo/path)")
    repo_id, filename = "/".join(parts[:2]), "/".join(parts[2:])
    try:
        return Path(hf_hub_download(repo_id, filename, revision=revision, local_files_only=True))
    except (LocalEntryNotFoundError, FileNotFoundError, OSError, ValueError) as exc:
        raise EngineError(f"transcoder file {spec} is not in the Hugging Face cache") from exc


def gemmascope_files(root: Path, width: str | None = None) -> list[str]:
    """Per layer, the params.npz of a GemmaScope layout; the smallest average_l0 when several.

    The choice is deterministic and documented; a config.yaml in the folder overrides it.
    """
    best: dict[int, tuple[int, str]] = {}
    for file in root.rglob("params.npz"):
        rel = file.relative_to(root).as_posix()
        match = _GEMMASCOPE.match(rel)
        if not match or (width and match.group(2) != width):
            continue
        layer, l0 = int(match.group(1)), int(match.group(3))
        if layer not in best or l0 < best[layer][0]:
            best[layer] = (l0, rel)
    if not best:
        return []
    layers = sorted(best)
    if layers != list(range(len(layers))):
        raise EngineError(f"GemmaScope layout in {root} has gaps in its layers: {layers}")
    return [best[i][1] for i in layers]
