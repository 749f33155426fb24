"""Hostile text for the stored-XSS tests (server-rendered pages and the explorer): payloads that
run script if any page hands them to an HTML parser, and a graph and a subgraph made of them."""

from __future__ import annotations

import json

from graphs.testing import build_graph_document

SCRIPT = "<script>alert('t')</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"


def hostile_document() -> dict:
    doc = build_graph_document(slug=f"x{IMG}", prompt_tokens=["<bos>", SCRIPT, IMG])
    doc["metadata"]["prompt"] = f"{SCRIPT} {IMG}"
    doc["metadata"].setdefault("info", {})["generator"] = {
        "name": IMG,
        "version": SCRIPT,
        "url": JS_URL,
    }
    for node in doc["nodes"]:
        node["clerp"] = IMG
    return doc


def hostile_subgraph(body: bytes) -> dict:
    """A subgraph named, grouped and labelled with payloads, on two real feature nodes."""
    features = [
        n["node_id"]
        for n in json.loads(body)["nodes"]
        if n["feature_type"] == "cross layer transcoder"
    ]
    return {
        "display_name": SCRIPT,
        "pinned_ids": features[:2],
        "supernodes": [[IMG, *features[:2]]],
        "clerps": [[features[0], SCRIPT]],
    }
