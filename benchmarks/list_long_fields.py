"""List answers beside a graph row with a very long prompt: bytes and time of the public list
(API and home page), and what the process's RSS grows by.

    python benchmarks/list_long_fields.py [--prompt-mb 40] [--requests 3]

A fresh SQLite database in a temporary directory holds one public graph whose row has a prompt
of --prompt-mb MB and as many prompt tokens (such a row came from uploads before metadata had
limits; it stands for one written before the limits came in). Requests go through Django's
test client in this process: no network, no server.
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--prompt-mb", type=float, default=40)
    parser.add_argument("--requests", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cs-list-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from graphs.models import Graph

    call_command("migrate", verbosity=0)
    owner = get_user_model().objects.create_user("bench-owner", password="x" * 20)
    size = int(args.prompt_mb * MB)
    Graph.objects.create(
        owner=owner,
        slug="long",
        model_id="demo",
        prompt="p" * size,
        prompt_tokens=["t"] * (size // 8),
        title="long prompt",
        visibility="public",
        body_key="graphs/bodies/bench.json.gz",
        body_sha256="0" * 64,
    )
    client = Client()
    print(f"one public graph row with a {args.prompt_mb:g} MB prompt and {size // 8} tokens")
    print(f"peak RSS before the requests: {peak_rss_mb():.0f} MB")
    for path in ("/api/graphs/?scope=public", "/", "/graphs/public/"):
        times, sizes = [], []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
            sizes.append(len(response.content))
            assert response.status_code == 200, response.status_code
        print(
            f"  GET {path:<28} {sizes[-1] / MB:8.3f} MB answer, "
            f"best {min(times):6.3f} s of {args.requests}, peak RSS {peak_rss_mb():.0f} MB"
        )


if __name__ == "__main__":
    main()
