"""Validator time against the length of one string, and against body size for ordinary graphs.

    python benchmarks/validator_long_strings.py [--sizes-mb 1,2,4,8]

Part 1: a minimal valid graph whose metadata.prompt is one string of N MB, validated from a file
by `validate_graph_file` (the streaming path of /api/validate/ and of uploads). Before strings
were bounded while streaming, yajl re-read a partial string from its start at every 4 KB step,
so the time grew with the square of N.

Part 2: ordinary graphs (many small strings) of growing size, to show the time per MB stays flat.
Prints CPU seconds of this thread per case (process CPU, so other load on the machine matters
less than for wall time).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MB = 1024 * 1024


def graph_with_prompt(prompt_bytes: int) -> bytes:
    document = {
        "metadata": {
            "slug": "long",
            "scan": "demo",
            "prompt_tokens": ["a"],
            "prompt": "x" * prompt_bytes,
        },
        "qParams": {},
        "nodes": [],
        "links": [],
    }
    return json.dumps(document).encode()


def ordinary_graph(target_bytes: int) -> bytes:
    nodes, links = [], []
    count = max(2, target_bytes // 400)
    for i in range(count):
        nodes.append(
            {
                "node_id": f"1_{i}_0",
                "feature": i,
                "layer": "1",
                "ctx_idx": 0,
                "feature_type": "cross layer transcoder",
                "jsNodeId": f"1_{i}-0",
                "clerp": f"feature number {i}",
                "influence": 0.5,
                "activation": 1.25,
            }
        )
        links.append({"source": f"1_{i}_0", "target": f"1_{(i + 1) % count}_0", "weight": 0.125})
    document = {
        "metadata": {"slug": "big", "scan": "demo", "prompt_tokens": ["a"], "prompt": "a"},
        "qParams": {},
        "nodes": nodes,
        "links": links,
    }
    return json.dumps(document).encode()


def graph_with_strings(total_bytes: int, string: str) -> bytes:
    """A graph with an extra top-level key holding many copies of `string`: the most strings at
    (or near) the bound a body of this size can hold, the worst case for the bounded parse."""
    encoded = json.dumps(string)
    count = max(1, total_bytes // (len(encoded) + 1))
    document = json.loads(graph_with_prompt(1))
    head = json.dumps(document)[:-1]
    return (head + ', "extra": [' + ",".join([encoded] * count) + "]}").encode()


def timed(body: bytes) -> tuple[float, str]:
    from graphs.validation import validate_graph_file

    start = time.thread_time()
    report = validate_graph_file(io.BytesIO(body))
    elapsed = time.thread_time() - start
    first = report.problems[0].as_dict() if report.problems else None
    outcome = "valid" if report.ok else f"refused: {first['path']}: {first['message'][:70]}"
    return elapsed, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-mb", default="1,2,4,8")
    parser.add_argument("--graph-sizes-mb", default="5,10,20,40")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    import django

    django.setup()
    print("one long string (metadata.prompt)")
    for size in [float(s) for s in args.sizes_mb.split(",")]:
        elapsed, outcome = timed(graph_with_prompt(int(size * MB)))
        print(f"  {size:>5g} MB string: {elapsed:7.3f} s CPU  {outcome}")
    from graphs.validation.bounded import MAX_STRING_BYTES

    print(f"bodies of strings just under the bound ({MAX_STRING_BYTES} bytes), or escapes only")
    for size in [float(s) for s in args.sizes_mb.split(",")]:
        for name, string in (
            ("bound-long strings", "y" * (MAX_STRING_BYTES - 10)),
            ('"\\n" strings', "\n"),
        ):
            body = graph_with_strings(int(size * MB), string)
            elapsed, outcome = timed(body)
            actual = len(body) / MB
            print(f"  {actual:6.1f} MB of {name}: {elapsed:7.3f} s CPU  {outcome[:40]}")
    print("ordinary graphs (many short strings)")
    for size in [float(s) for s in args.graph_sizes_mb.split(",")]:
        body = ordinary_graph(int(size * MB))
        elapsed, outcome = timed(body)
        actual = len(body) / MB
        print(
            f"  {actual:6.1f} MB graph: {elapsed:7.3f} s CPU  {elapsed / actual * 1000:6.1f} ms/MB"
            f"  {outcome}"
        )


if __name__ == "__main__":
    main()
