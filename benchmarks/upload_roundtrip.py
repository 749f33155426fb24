"""Upload + fetch round trip of graphs through the full Django stack, and a 100 MB upload.

    python benchmarks/upload_roundtrip.py [--size-mb 100] [--database-url URL] [--skip-big]

Requests go through Django's WSGI handler in this process (middleware, DRF, parser, validator,
storage, database), with the request body streamed from a file as a server would stream it; no
network. Prints, per real Neuronpedia graph (from ../shared when present): upload time, fetch
time (gzip and identity) and whether the fetched JSON equals the original; then, for a
synthetic graph of --size-mb: generation is excluded, upload time and peak RSS growth over the
upload (target < 20 s and < 1.5 GB), and fetch times.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import resource
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.throwaway_django import throwaway_django

ROOT = Path(__file__).resolve().parent.parent
SHARED_GRAPHS = ROOT.parent / "shared" / "fixtures" / "neuronpedia-graphs"
MB = 1024 * 1024


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_s() -> float:
    """CPU seconds of this process: on a busy shared machine, closer to an idle machine's wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Client:
    """Calls the WSGI app with a streamed body, authenticated as one user."""

    def __init__(self, user) -> None:
        from django.core.handlers.wsgi import WSGIHandler
        from rest_framework.test import force_authenticate

        class Handler(WSGIHandler):
            def get_response(self, request):
                force_authenticate(request, user)
                return super().get_response(request)

        self.handler = Handler()

    def call(self, method: str, path: str, body=None, length: int = 0, headers=None):
        from django.test.client import RequestFactory

        path, _, query = path.partition("?")
        environ = RequestFactory()._base_environ(
            PATH_INFO=path,
            QUERY_STRING=query,
            REQUEST_METHOD=method,
            CONTENT_TYPE="application/json",
            CONTENT_LENGTH=str(length),
            **{"wsgi.input": body or io.BytesIO(b"")},
            **(headers or {}),
        )
        status: list[str] = []
        result = self.handler(environ, lambda s, h, *a: status.append(s))
        chunks = list(result)  # streamed responses are consumed chunk by chunk here
        if hasattr(result, "close"):
            result.close()
        return int(status[0].split()[0]), b"".join(chunks)


def round_trip(client: Client, path: Path, original: object | None) -> dict:
    size = path.stat().st_size
    with path.open("rb") as fh:
        start, cpu_start = time.perf_counter(), cpu_s()
        status, content = client.call("POST", "/api/graphs/?visibility=public", fh, size)
        upload_s, upload_cpu_s = time.perf_counter() - start, cpu_s() - cpu_start
    if status != 201:
        raise SystemExit(f"upload of {path.name} failed: {status} {content[:500]!r}")
    graph_id = json.loads(content)["id"]
    timings = {
        "name": path.name,
        "mb": size / MB,
        "upload_s": upload_s,
        "upload_cpu_s": upload_cpu_s,
    }
    for encoding in ("gzip", "identity"):
        start = time.perf_counter()
        status, body = client.call(
            "GET", f"/api/graphs/{graph_id}/data/", headers={"HTTP_ACCEPT_ENCODING": encoding}
        )
        timings[f"fetch_{encoding}_s"] = time.perf_counter() - start
        timings[f"fetch_{encoding}_mb"] = len(body) / MB
        if original is not None:
            data = gzip.decompress(body) if encoding == "gzip" else body
            timings["equal"] = json.loads(data) == original
        del body
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()

    with throwaway_django(args.database_url) as work:
        from django.contrib.auth import get_user_model

        user, _ = get_user_model().objects.get_or_create(username="benchmark")
        client = Client(user)

        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        if SHARED_GRAPHS.is_dir():
            print("real Neuronpedia graphs (upload = POST incl. validation + storage):")
            for path in sorted(SHARED_GRAPHS.glob("*.json")):
                t = round_trip(client, path, json.loads(path.read_bytes()))
                print(
                    f"  {t['name'][:44]:44s} {t['mb']:5.2f} MB  upload {t['upload_s'] * 1000:6.0f} ms"
                    f" ({t['upload_cpu_s'] * 1000:.0f} ms CPU)"
                    f"  fetch gzip {t['fetch_gzip_s'] * 1000:5.0f} ms ({t['fetch_gzip_mb']:.2f} MB)"
                    f"  fetch identity {t['fetch_identity_s'] * 1000:5.0f} ms  equal={t['equal']}"
                )
        else:
            print(f"({SHARED_GRAPHS} absent: real graphs skipped)")

        if args.skip_big:
            return
        from graphs.testing import write_synthetic_graph

        big = work / "synthetic.json"
        start = time.perf_counter()
        with big.open("wb") as fh:
            nodes, links = write_synthetic_graph(fh, target_bytes=args.size_mb * MB)
        print(
            f"synthetic graph: {big.stat().st_size / MB:.1f} MB, {nodes} nodes, {links} links "
            f"(generated in {time.perf_counter() - start:.1f} s, not counted)"
        )
        before = rss_mb()
        if peak_rss_mb() > before + 1:
            print(
                f"  note: peak RSS so far {peak_rss_mb():.0f} MB exceeds current {before:.0f} MB; "
                "growth below is measured against the current RSS"
            )
        t = round_trip(client, big, None)
        growth = peak_rss_mb() - before
        print(
            f"  upload {t['upload_s']:.1f} s wall, {t['upload_cpu_s']:.1f} s CPU (target < 20 s), "
            f"peak RSS growth {growth:.0f} MB "
            f"(target < 1536 MB; RSS before {before:.0f} MB)"
        )
        print(
            f"  fetch gzip {t['fetch_gzip_s']:.2f} s ({t['fetch_gzip_mb']:.1f} MB on the wire), "
            f"fetch identity {t['fetch_identity_s']:.2f} s ({t['fetch_identity_mb']:.1f} MB)"
        )


if __name__ == "__main__":
    main()
