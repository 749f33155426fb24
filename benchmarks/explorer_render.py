"""Explorer rendering benchmark: loads graphs into the real explorer page in headless Chromium and
prints time to first render, time to interactive and hover response (p50/p95).

Graphs: a synthetic layered graph of 5,000 nodes and 50,000 links over 20 tokens; a synthetic
26-layer x 64-token graph at Neuronpedia density (5,000 feature nodes, most in layer 0 and at the
last positions, 50,000 links); and the real Neuronpedia graphs in ../shared (when present). The
page is the graph page's explorer partial rendered by Django's template engine, served with the
committed bundle by a local HTTP server (no database needed), in a 1440 x 900 window. Goals: the
synthetic graphs interactive < 1.5 s, the real graphs < 0.5 s, hover p95 < 50 ms.

    python benchmarks/explorer_render.py [--runs 3] [--hovers 200] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def synthetic_graph(
    n_nodes: int = 5000,
    n_links: int = 50000,
    n_tokens: int = 20,
    n_layers: int = 26,
    seed: int = 0,
    *,
    n_features: int | None = None,
    skewed: bool = False,
) -> dict[str, Any]:
    """A layered graph: embeddings, one error node per (layer, position), 10 logits, features.

    `n_features` fixes the number of feature nodes (else features fill up to `n_nodes`);
    `skewed` spreads them as in Neuronpedia's graphs: most in layer 0 and at the last positions,
    few in the middle layers and early positions."""
    rng = random.Random(seed)
    tokens = ["<bos>"] + [f" tok{i}" for i in range(1, n_tokens)]
    nodes: list[dict[str, Any]] = []
    for ctx in range(n_tokens):
        nodes.append(
            {
                "node_id": f"E_{100 + ctx}_{ctx}",
                "feature": 100 + ctx,
                "layer": "E",
                "ctx_idx": ctx,
                "feature_type": "embedding",
                "influence": 0.1,
                "activation": None,
                "clerp": "",
            }
        )
    n_logits = 10
    for k in range(n_logits):
        nodes.append(
            {
                "node_id": f"{n_layers + 1}_{900 + k}_{n_tokens - 1}",
                "feature": 900 + k,
                "layer": str(n_layers + 1),
                "ctx_idx": n_tokens - 1,
                "feature_type": "logit",
                "token_prob": 0.5 / (k + 1),
                "influence": None,
                "activation": None,
                "clerp": f'Output " w{k}" (p={0.5 / (k + 1):.3f})',
            }
        )
    for layer in range(n_layers):
        for ctx in range(1, n_tokens):
            nodes.append(
                {
                    "node_id": f"0_{layer}_{ctx}",
                    "feature": -1,
                    "layer": str(layer),
                    "ctx_idx": ctx,
                    "feature_type": "mlp reconstruction error",
                    "influence": rng.uniform(0, 0.8),
                    "activation": None,
                    "clerp": "",
                }
            )
    layer_weights = [6.0 if k == 0 else 1.0 + 2.0 * k / n_layers for k in range(n_layers)]
    ctx_weights = [
        1.0 + (4.0 if c == n_tokens - 1 else 0.0) + c / n_tokens for c in range(n_tokens)
    ]
    ctx_weights[0] = 0.0
    target = (len(nodes) + n_features) if n_features is not None else n_nodes
    index = 0
    while len(nodes) < target:
        if skewed:
            layer = rng.choices(range(n_layers), layer_weights)[0]
            ctx = rng.choices(range(n_tokens), ctx_weights)[0]
        else:
            layer = rng.randrange(n_layers)
            ctx = rng.randrange(1, n_tokens)
        index += 1
        nodes.append(
            {
                "node_id": f"{layer}_{10000 + index}_{ctx}",
                "feature": 10000 + index,
                "layer": str(layer),
                "ctx_idx": ctx,
                "feature_type": "cross layer transcoder",
                "influence": rng.uniform(0, 0.8),
                "activation": rng.uniform(0, 10),
                "clerp": f"feature {index}",
            }
        )

    def band(n: dict) -> int:
        return {"embedding": 0, "logit": n_layers + 1}.get(
            n["feature_type"], int(n["layer"]) + 1 if n["layer"] != "E" else 0
        )

    targets = [n for n in nodes if n["feature_type"] in ("cross layer transcoder", "logit")]
    sources = sorted(nodes, key=band)
    bands = [band(n) for n in sources]
    links = []
    seen = set()
    import bisect

    while len(links) < n_links:
        t = rng.choice(targets)
        limit = bisect.bisect_left(bands, band(t))
        if limit == 0:
            continue
        s = sources[rng.randrange(limit)]
        if s["ctx_idx"] > t["ctx_idx"] or (s["node_id"], t["node_id"]) in seen:
            continue
        seen.add((s["node_id"], t["node_id"]))
        links.append(
            {"source": s["node_id"], "target": t["node_id"], "weight": round(rng.gauss(0, 1), 4)}
        )
    return {
        "metadata": {
            "slug": f"synthetic-{n_layers}x{n_tokens}",
            "scan": "bench-model",
            "prompt_tokens": tokens,
            "prompt": "".join(tokens),
            "node_threshold": 0.8,
            "schema_version": 1,
        },
        "qParams": {
            "pinnedIds": [],
            "supernodes": [],
            "linkType": "both",
            "clickedId": "",
            "sg_pos": "",
        },
        "nodes": nodes,
        "links": links,
    }


def render_page(site: Path) -> None:
    """Writes the explorer partial (rendered by Django's template engine) as a page in `site`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/graphs/bench/")
    request.user = AnonymousUser()
    body = render_to_string(
        "graphs/explorer.html", {"graph": SimpleNamespace(id="bench")}, request=request
    )
    (site / "graphs" / "bench").mkdir(parents=True, exist_ok=True)
    (site / "graphs" / "bench" / "index.html").write_text(
        f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"
    )


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the 404s of absent APIs are expected
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a page closed while its feature requests were in flight: a broken pipe, no news


def serve(site: Path) -> ThreadingHTTPServer:
    handler = partial(QuietHandler, directory=str(site))
    server = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


HOVER_JS = """async (n) => {
  const ex = window.__explorer;
  // Nodes in the visible part of the scroller, so no sample includes a scroll.
  const scroller = document.querySelector('#ex-graph');
  const pos = ex.positions();
  const ids = Object.keys(pos).filter((id) => pos[id].x > scroller.scrollLeft + 5 && pos[id].x < scroller.scrollLeft + scroller.clientWidth - 5);
  scroller.scrollIntoView();
  const overlay = document.querySelector('#ex-graph canvas.ex-overlay');
  const out = [];
  for (let k = 0; k < n; k++) {
    const id = ids[Math.floor(Math.random() * ids.length)];
    const p = ex.clientPoint(id);
    const t0 = performance.now();
    overlay.dispatchEvent(new MouseEvent('mousemove', {clientX: p.x, clientY: p.y, bubbles: true}));
    const handled = performance.now() - t0;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    out.push([performance.now() - t0, ex.selection().hoveredId === id, handled]);
  }
  return out;
}"""


def measure(browser: Any, url: str, hovers: int) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(url)
    page.wait_for_function("window.__explorer && window.__explorer.ready", timeout=60000)
    t = page.evaluate("window.__explorer.timings")
    visible = page.evaluate("window.__explorer.visibleNodeIds().length")
    samples = page.evaluate(HOVER_JS, hovers)
    page.close()
    ok = sum(1 for _, hit, _ in samples if hit)
    times = sorted(ms for ms, _, _ in samples)
    handler = sorted(h for _, _, h in samples)
    return {
        "data_loaded": t["dataLoaded"],
        "first_render": t["firstRender"],
        "interactive": t["interactive"],
        "visible": visible,
        "hover_p50": statistics.median(times),
        "hover_p95": times[int(0.95 * (len(times) - 1))],
        "hover_hits": f"{ok}/{len(samples)}",
        "handler_p50": statistics.median(handler),
        "handler_p95": handler[int(0.95 * (len(handler) - 1))],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hovers", type=int, default=200)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    opts = parser.parse_args()
    if not Path(opts.chromium).exists():
        print(f"error: no Chromium at {opts.chromium}", file=sys.stderr)
        return 2
    import tempfile

    from playwright.sync_api import sync_playwright

    graphs: dict[str, tuple[dict, float]] = {
        "synthetic 5,000 nodes / 50,000 links, 20 tokens": (synthetic_graph(), 1500),
        "synthetic 26 layers x 64 tokens, 5,000 features / 50,000 links (Neuronpedia density)": (
            synthetic_graph(n_tokens=64, n_features=5000, skewed=True, seed=1),
            1500,
        ),
    }
    fixtures = ROOT.parent / "shared" / "fixtures" / "neuronpedia-graphs"
    if fixtures.is_dir():
        for path in sorted(fixtures.glob("*.json")):
            graphs[f"real Neuronpedia graph {path.name}"] = (json.loads(path.read_text()), 500)
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} (timings scale with contention)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "static").symlink_to(ROOT / "webapp" / "static")
        render_page(site)
        server = serve(site)
        base = f"http://127.0.0.1:{server.server_port}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=opts.chromium, args=ARGS)
            for name, (graph, interactive_goal) in graphs.items():
                data_dir = site / "api" / "graphs" / "bench" / "data"
                data_dir.mkdir(parents=True, exist_ok=True)
                (data_dir / "index.html").write_text(json.dumps(graph))
                runs = [
                    measure(browser, f"{base}/graphs/bench/", opts.hovers) for _ in range(opts.runs)
                ]
                med = {
                    k: statistics.median(r[k] for r in runs)
                    for k in (
                        "data_loaded",
                        "first_render",
                        "interactive",
                        "hover_p50",
                        "hover_p95",
                        "handler_p50",
                        "handler_p95",
                    )
                }
                print(
                    f"{name}: {len(graph['nodes'])} nodes, {len(graph['links'])} links, {runs[0]['visible']} visible; median of {opts.runs} runs"
                )
                print(
                    f"  graph JSON fetched+parsed at {med['data_loaded']:.0f} ms after navigation"
                )
                print(f"  first render      {med['first_render']:.0f} ms after navigation")
                print(
                    f"  time to interactive {med['interactive']:.0f} ms after navigation (goal < {interactive_goal:.0f} ms)"
                )
                print(
                    f"  hover response    p50 {med['hover_p50']:.1f} ms, p95 {med['hover_p95']:.1f} ms (goal < 50 ms; event to painted frame; hits {runs[0]['hover_hits']})"
                )
                print(
                    f"  hover handler     p50 {med['handler_p50']:.1f} ms, p95 {med['handler_p95']:.1f} ms (main-thread work of the event)"
                )
            browser.close()
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
