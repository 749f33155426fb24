"""Problems and suggestions found in a graph, each tied to the JSON path it concerns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def json_path(parts: Iterable[str | int], prefix: str = "", *, root: str = "(document)") -> str:
    """['nodes', 12, 'ctx_idx'] -> 'nodes[12].ctx_idx', after `prefix` if given; the empty path
    is `root`, the document itself."""
    out = prefix
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or root


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class ProblemList:
    """Collects problems up to a cap, counting those beyond it, so a graph with a million bad
    links yields a readable answer instead of a million lines."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.items: list[Problem] = []
        self.omitted = 0

    def add(self, path: str, message: str) -> None:
        if len(self.items) < self.cap:
            self.items.append(Problem(path, message))
        else:
            self.omitted += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items) + self.omitted
