"""Memory of a dashboard upload made of many empty dashboards, in a fresh process.

    python benchmarks/features_upload_memory.py [--inflated-mb 19]

Posts `{"features": [{}, {}, ...]}` gzip-compressed (about a thousandth of its inflated size,
under the 20 MB FEATURES_UPLOAD_MAX_BYTES once inflated) to /api/graphs/<id>/features/ through
Django's test client, as the graph's owner, in a SQLite database in a temporary directory.
Prints the answer, its time and the process's peak RSS before and after the request.
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inflated-mb", type=float, default=19)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cs-features-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.test import APIClient

    from graphs.services import create_graph_from_document
    from graphs.testing import build_graph_document

    call_command("migrate", verbosity=0)
    owner = get_user_model().objects.create_user("bench-owner", password="x" * 20)
    graph = create_graph_from_document(owner, build_graph_document(), source="uploaded")
    count = int(args.inflated_mb * MB) // 4
    raw = b'{"features": [' + b",".join([b"{}"] * count) + b"]}"
    body = gzip.compress(raw)
    del raw
    client = APIClient()
    client.force_authenticate(owner)
    before = peak_rss_mb()
    start = time.perf_counter()
    response = client.generic(
        "POST", f"/api/graphs/{graph.pk}/features/", body, content_type="application/json"
    )
    elapsed = time.perf_counter() - start
    print(
        f"{len(body) / 1024:.0f} KB gzip, {count} empty dashboards ({args.inflated_mb:g} MB "
        f"inflated): {response.status_code} in {elapsed:.2f} s"
    )
    print(f"  answer: {response.content[:160].decode(errors='replace')}")
    print(f"  peak RSS {before:.0f} MB before the request, {peak_rss_mb():.0f} MB after")


if __name__ == "__main__":
    main()
