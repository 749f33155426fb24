"""What one subgraph save costs on a large graph: the node-id check before and after the node
index (graphs/node_index.py).

    python benchmarks/subgraph_save.py [--features 60] [--tokens 24] [--saves 20] [--database-url URL]

Stores one synthetic graph through the upload service, then prints:
- the old check: streaming the body's node ids, as every save on a graph missing from one
  process's 16-entry cache did (time and CPU per save);
- the first save with the index (it writes the graph's id rows: once per graph, for every process);
- later saves, each naming 20 pinned nodes and 5 labels (time per save), with the number of body
  reads they made (0 expected).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.throwaway_django import add_graph_options, graph_document, throwaway_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_graph_options(parser)
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()
    no_limits = {"RATELIMIT_SUBGRAPHS_PER_HOUR": "0", "RATELIMIT_SUBGRAPH_SAVES_PER_HOUR": "0"}
    with throwaway_django(args.database_url, **no_limits):
        run(args)


def run(args: argparse.Namespace) -> None:
    import ijson
    from django.contrib.auth import get_user_model

    from graphs import node_index
    from graphs.services import create_graph_from_document, save_subgraph
    from graphs.storage import open_body_json

    user = get_user_model().objects.create_user(f"bench-{time.time_ns()}")
    document = graph_document(args, "bench-subgraph-save")
    graph = create_graph_from_document(user, document, visibility="public")
    del document
    print(
        f"graph: {graph.node_count:,} nodes, {graph.link_count:,} links, "
        f"{graph.byte_size / 1e6:.1f} MB of JSON ({graph.stored_size / 1e6:.1f} MB stored)"
    )

    def old_check() -> frozenset[str]:
        with open_body_json(graph.body_key) as fh:
            return frozenset(ijson.items(fh, "nodes.item.node_id"))

    walls, cpus = [], []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        ids = old_check()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(
        f"before: node ids streamed from the body on each uncached save: "
        f"{statistics.median(walls) * 1000:.0f} ms wall, {statistics.median(cpus) * 1000:.0f} ms CPU"
    )

    pinned = sorted(ids)[:20]

    def fields(i: int) -> dict:
        return {
            "display_name": f"bench {i}",
            "pinned_ids": pinned,
            "clerps": [[node, "label"] for node in pinned[:5]],
        }

    wall = time.perf_counter()
    save_subgraph(graph, user, fields(0))
    print(
        f"after, first save on the graph (writes its {len(ids):,} id rows, once): "
        f"{(time.perf_counter() - wall) * 1000:.0f} ms"
    )

    reads = []
    real_open = node_index.open_body_json
    node_index.open_body_json = lambda key: (reads.append(key), real_open(key))[1]
    try:
        times = []
        for i in range(1, args.saves + 1):
            wall = time.perf_counter()
            save_subgraph(graph, user, fields(i))
            times.append(time.perf_counter() - wall)
    finally:
        node_index.open_body_json = real_open
    print(
        f"after, each later save ({args.saves} saves, 20 pins + 5 labels): median "
        f"{statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms; "
        f"body reads: {len(reads)}"
    )


if __name__ == "__main__":
    main()
