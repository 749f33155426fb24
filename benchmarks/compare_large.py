"""What comparing two large graphs costs: time, memory and answer size of
`GET /api/graphs/{a}/compare/{b}/` on graphs near the upload limit.

    python benchmarks/compare_large.py [--features 60] [--tokens 24] [--layers 16] \
        [--links-per-node 60] [--database-url URL]

Stores two synthetic graphs of the same nodes (seeds 0 and 1: every feature in both, links and
weights different) through the upload service, then prints, for the first request (both bodies
read and matched) and a repeated one (cached): wall time, the web process's peak RSS above its
level before the request, the RSS it keeps afterwards, and the answer's size.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.throwaway_django import add_graph_options, graph_document, throwaway_django


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak() -> None:
    # Linux: writing 5 to clear_refs resets VmHWM (the peak RSS) to the current RSS.
    Path("/proc/self/clear_refs").write_text("5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_graph_options(parser)
    args = parser.parse_args()
    with throwaway_django(args.database_url, RATELIMIT_UPLOADS_PER_HOUR="0"):
        run(args)


def run(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from graphs.services import create_graph_from_document

    user = get_user_model().objects.create_user(f"bench-{time.time_ns()}")
    graphs = []
    for seed in (0, 1):
        document = graph_document(args, f"bench-compare-{seed}", seed)
        graphs.append(create_graph_from_document(user, document, visibility="public"))
        del document
    a, b = graphs
    print(
        f"graphs: {a.node_count:,} nodes, {a.link_count:,} / {b.link_count:,} links, "
        f"{a.byte_size / 1e6:.1f} / {b.byte_size / 1e6:.1f} MB of JSON"
    )
    client = APIClient()
    client.force_authenticate(user)
    url = f"/api/graphs/{a.pk}/compare/{b.pk}/"
    # Import and URL-resolution costs of a first request are not the comparison's.
    client.get(f"/api/graphs/{a.pk}/")
    for label in ("first request", "again (cached)"):
        gc.collect()
        before = rss_mb()
        reset_peak()
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        peak = rss_mb("VmHWM")
        status, body = response.status_code, response.content
        del response
        gc.collect()
        print(
            f"{label}: {elapsed:.2f} s, status {status}, "
            f"answer {len(body) / 1e6:.2f} MB, peak RSS +{peak - before:,.0f} MB, "
            f"kept +{rss_mb() - before:,.0f} MB (RSS {rss_mb():,.0f} MB)"
        )


if __name__ == "__main__":
    main()
