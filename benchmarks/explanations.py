"""Import a million synthetic explanations, then time searches over them (PostgreSQL).

    DATABASE_URL=postgres://... python benchmarks/explanations.py [--rows 1000000] [--queries 300]

Writes a gzip JSON Lines export shaped like Neuronpedia's (26 layers of a Gemma-2-2B set, texts of
2-6 words drawn from a Zipf-distributed vocabulary, so common words match hundreds of thousands of
rows and rare ones a handful), imports it with `import_stream` (time, rows/s, peak RSS of the
process above what it held before), imports it again (idempotence: nothing added), then times
the search service (ranked ids and the first page's rows) and `GET /api/explanations/search/`
through the API (the same plus DRF) for a mix of queries drawn from the same distribution: p50,
p95, max. Uses its own throwaway test database.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

VOCABULARY = 20000
SYLLABLES = ["ka", "lo", "mi", "ter", "san", "ro", "vel", "di", "nor", "pa", "est", "quin"]


def words(rng: random.Random) -> list[str]:
    found: set[str] = set()
    out: list[str] = []
    while len(out) < VOCABULARY:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in found:
            found.add(word)
            out.append(word)
    return out


def zipf_weights(n: int) -> list[float]:
    return [1.0 / (rank + 1) for rank in range(n)]


def write_export(path: Path, rows: int, vocab: list[str], weights: list[float]) -> None:
    rng = random.Random(1)
    cumulative = list(_accumulate(weights))
    with gzip.open(path, "wt", compresslevel=1) as handle:
        for i in range(rows):
            n = rng.randint(2, 6)
            text = " ".join(rng.choices(vocab, cum_weights=cumulative, k=n))
            if i % 7 == 0:
                text = f"say {rng.choices(vocab, cum_weights=cumulative)[0]}"
            record = {
                "modelId": "gemma-2-2b",
                "layer": f"{i % 26}-gemmascope-transcoder-16k",
                "index": str((i // 26) % 16384),
                "description": text,
                "typeName": "np_max-act-logits",
                "explanationModelName": "gpt-4o-mini" if i % 2 else "claude-3-5-haiku",
            }
            handle.write(json.dumps(record) + "\n")


def _accumulate(values: list[float]):
    total = 0.0
    for value in values:
        total += value
        yield total


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()

    rng = random.Random(0)
    vocab = words(rng)
    weights = zipf_weights(len(vocab))
    tmp = Path(tempfile.mkdtemp(prefix="cs-explanations-bench-"))
    export = tmp / "export.jsonl.gz"
    started = time.perf_counter()
    write_export(export, args.rows, vocab, weights)
    print(
        f"export: {args.rows:,} rows, {export.stat().st_size / 1e6:.1f} MB gzip "
        f"(written in {time.perf_counter() - started:.1f} s)"
    )

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import get_runner, setup_test_environment

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("this benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        from rest_framework.test import APIClient

        from graphs.explanations.services.importer import import_stream
        from graphs.explanations.services.search import rows_of, search_ids

        before = rss_mb()
        started = time.perf_counter()
        with export.open("rb") as handle:
            report = import_stream(handle)
        took = time.perf_counter() - started
        peak = rss_mb()
        print(
            f"import: read {report.read:,}, added {report.added:,} in {took:.1f} s "
            f"({report.read / took:,.0f} rows/s); peak RSS {peak:.0f} MB, "
            f"{peak - before:.0f} MB above the {before:.0f} MB before the import"
        )
        started = time.perf_counter()
        with export.open("rb") as handle:
            again = import_stream(handle)
        print(
            f"second import: read {again.read:,}, added {again.added:,} "
            f"in {time.perf_counter() - started:.1f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE explanations_explanation")

        qrng = random.Random(2)
        queries: list[str] = []
        for i in range(args.queries):
            word = qrng.choices(vocab, weights=weights)[0]
            kind = i % 4
            if kind == 0:
                queries.append(word)  # one word, Zipf-frequent
            elif kind == 1:
                queries.append(f"{word} {qrng.choice(vocab)}")  # two words, one rare
            elif kind == 2:
                queries.append(word[:4])  # a prefix
            else:
                queries.append(f"say {qrng.choice(vocab)}")
        client = APIClient()
        client.get("/api/explanations/search/", {"q": queries[0]})  # warm caches
        service: list[float] = []
        for query in queries:
            started = time.perf_counter()
            rows_of(search_ids(query, model_id="gemma-2-2b")[:20])
            service.append((time.perf_counter() - started) * 1000)
        print(
            f"search service (ranked ids + the first page's rows), {len(queries)} queries: "
            f"p50 {statistics.median(service):.1f} ms, p95 {percentile(service, 0.95):.1f} ms, "
            f"max {max(service):.1f} ms"
        )
        timings: list[float] = []
        counts: list[int] = []
        for query in queries:
            started = time.perf_counter()
            response = client.get("/api/explanations/search/", {"q": query, "model": "gemma-2-2b"})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:300]
            counts.append(response.json()["count"])
        print(
            f"search over {report.added:,} rows, {len(queries)} queries through the API "
            f"(count + first page): "
            f"p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
            f"max {max(timings):.1f} ms; matches per query median {int(statistics.median(counts)):,}, "
            f"max {max(counts):,}"
        )
        slowest = sorted(zip(timings, queries, counts, strict=True), reverse=True)[:3]
        for ms, query, count in slowest:
            print(f"  slowest: {query!r} ({count:,} matches) {ms:.1f} ms")
    finally:
        runner.teardown_databases(old)
        export.unlink(missing_ok=True)
        tmp.rmdir()


if __name__ == "__main__":
    main()
