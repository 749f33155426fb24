"""What every fault test checks at its end: no partial graph is visible. Every Graph row has its
body in storage, and every stored body has its row. (A stand-in for the orphan audit of
graphs/services/audit.py, until it lands.)"""

from __future__ import annotations

from graphs.models import Graph
from graphs.storage import BODY_PREFIX, graph_storage


def stored_body_keys() -> set[str]:
    storage = graph_storage()
    try:
        _dirs, names = storage.listdir(BODY_PREFIX.rstrip("/"))
    except FileNotFoundError:
        return set()
    return {BODY_PREFIX + name for name in names}


def assert_no_partial_graph() -> None:
    keys = stored_body_keys()
    rows = set(Graph.objects.values_list("body_key", flat=True))
    assert not rows - keys, f"rows without a body: {sorted(rows - keys)}"
    assert not keys - rows, f"bodies without a row: {sorted(keys - rows)}"
