"""Hypothesis strategies of hostile graph uploads, each with what the product must answer.

A case is a valid synthetic graph (graphs.testing) with one kind of damage: a field of the wrong
type or missing, NaN/Infinity/1e999, nesting thousands of levels deep, a key twice, a huge
string, unicode edge cases (lone surrogates, NUL, RTL overrides, non-NFC, BOM, invalid or
overlong UTF-8), broken semantics (links to missing nodes, duplicate ids, positions outside the
prompt), bytes cut or overwritten. The wrong ways to send a valid graph are in
hostile_requests.py.

`expect` says what the product promises: "accept" (201), "refuse" (a 4xx naming the problem),
or "either" where both are correct (e.g. a negative layer, which the format does not forbid).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from graphs.testing import build_graph_document
from graphs.validation.bounded import MAX_STRING_BYTES
from graphs.validation.checker import KNOWN_FEATURE_TYPES
from tests.fuzz.harness import FUZZ_UPLOAD_MAX_BYTES


@dataclass(frozen=True)
class Case:
    kind: str
    body: bytes
    expect: str = "either"  # accept | refuse | either
    content_type: str | None = "application/json"
    encoding: str | None = None  # Content-Encoding
    query: str = ""  # already percent-encoded
    decoded: bytes | None = None  # the JSON bytes the server should store (None: same as body)
    note: str = ""

    @property
    def json_bytes(self) -> bytes:
        return self.body if self.decoded is None else self.decoded


@dataclass
class Doc:
    """A graph document plus raw JSON text to splice in place of marker strings."""

    value: dict[str, Any]
    raws: dict[str, str] = field(default_factory=dict)

    def raw(self, text: str) -> str:
        marker = f"@@raw{len(self.raws)}@@"
        self.raws[marker] = text
        return marker

    def render(self, *, ascii_only: bool = True) -> bytes:
        text = json.dumps(self.value, ensure_ascii=ascii_only)
        for marker, raw in self.raws.items():
            text = text.replace(json.dumps(marker), raw, 1)
        # surrogatepass: a lone surrogate written raw becomes the (invalid) bytes ED A0 80.
        return text.encode("utf-8", "surrogatepass")


# -- the valid base ------------------------------------------------------------------------------

TOKENS = st.lists(
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=6), min_size=2, max_size=5
)


@st.composite
def base_docs(draw) -> Doc:
    tokens = draw(TOKENS)
    document = build_graph_document(
        n_layers=draw(st.integers(1, 3)),
        features_per_layer_and_pos=draw(st.integers(1, 2)),
        prompt_tokens=["<bos>", *tokens],
        n_logits=draw(st.integers(1, 3)),
        links_per_node=draw(st.integers(0, 3)),
        slug=draw(st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)),
        seed=draw(st.integers(0, 10_000)),
    )
    return Doc(document)


def _node(doc: Doc, draw) -> dict[str, Any]:
    return doc.value["nodes"][draw(st.integers(0, len(doc.value["nodes"]) - 1))]


def _link(doc: Doc, draw) -> dict[str, Any] | None:
    links = doc.value["links"]
    return links[draw(st.integers(0, len(links) - 1))] if links else None


# Each place a value can sit: (name, container getter). The getter may return None (no links).
def _places(doc: Doc, draw) -> dict[str, dict[str, Any] | None]:
    meta = doc.value["metadata"]
    return {
        "document": doc.value,
        "metadata": meta,
        "metadata.info": meta["info"],
        "metadata.info.generator": meta["info"]["generator"],
        "qParams": doc.value["qParams"],
        "node": _node(doc, draw),
        "link": _link(doc, draw),
    }


# -- values --------------------------------------------------------------------------------------

NON_FINITE = ["NaN", "-NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1E400", "123e45678"]
TYPE_SAMPLES = {
    "string": '"s"',
    "integer": "7",
    "number": "0.5",
    "null": "null",
    "boolean": "true",
    "array": "[]",
    "object": "{}",
}
# JSON types each field accepts ("number" includes integers).
FIELD_TYPES = {
    ("metadata", "slug"): {"string"},
    ("metadata", "scan"): {"string"},
    ("metadata", "prompt"): {"string"},
    ("metadata", "prompt_tokens"): {"array"},
    ("metadata", "schema_version"): {"integer"},
    ("metadata", "node_threshold"): {"number", "integer"},
    ("metadata", "info"): {"object"},
    ("metadata.info", "description"): {"string"},
    ("metadata.info", "generator"): {"object"},
    ("metadata.info.generator", "name"): {"string"},
    ("qParams", "pinnedIds"): {"array"},
    ("qParams", "linkType"): {"string"},
    ("document", "metadata"): {"object"},
    ("document", "qParams"): {"object"},
    ("document", "nodes"): {"array"},
    ("document", "links"): {"array"},
    ("node", "node_id"): {"string"},
    ("node", "feature"): {"integer", "null"},
    ("node", "layer"): {"string", "integer"},
    ("node", "ctx_idx"): {"integer"},
    ("node", "feature_type"): {"string"},
    ("node", "jsNodeId"): {"string"},
    ("node", "clerp"): {"string"},
    ("node", "influence"): {"number", "integer", "null"},
    ("node", "activation"): {"number", "integer", "null"},
    ("link", "source"): {"string"},
    ("link", "target"): {"string"},
    ("link", "weight"): {"number", "integer"},
}
REQUIRED = {
    "document": ["metadata", "qParams", "nodes", "links"],
    "metadata": ["slug", "scan", "prompt_tokens", "prompt"],
    "node": ["node_id", "feature", "layer", "ctx_idx", "feature_type", "jsNodeId", "clerp"],
    "link": ["source", "target", "weight"],
}
# Strings whose content is free: any text is valid there.
FREE_STRINGS = [
    ("metadata", "prompt"),
    ("metadata", "slug"),
    ("metadata.info", "description"),
    ("metadata.info.generator", "name"),
    ("node", "clerp"),
    ("node", "jsNodeId"),
    ("qParams", "linkType"),
]
# Characters allowed in these fields by the schema (graph.schema.json); the others have none
# beyond the parser's bound on every string (MAX_STRING_BYTES as written).
STRING_LIMITS = {"prompt": 10_000, "slug": 256, "description": 10_000, "name": 200, "scan": 128}
# Valid Unicode that must be stored as sent.
UNICODE_EDGES = [
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e\u2066x\u2069",  # bidi marks and isolates
    "e\u0301",  # not NFC (e + combining acute)
    "\ufb01",  # a ligature NFKC would change
    "\u00e9",
    "\x00nul\x00",  # NUL: PostgreSQL text cannot hold it; the columns get U+FFFD
    "\ufeffbom inside",
    "\u200b\u2060zero width",
    "\uffff\U0010ffff\U0001f600",
    "\x1b[31mansi\x7f",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
]
# Invalid UTF-8 byte sequences: lone bytes, overlong forms, encoded surrogates, beyond U+10FFFF.
BAD_BYTES = [b"\xff", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80"]


# -- document damage -----------------------------------------------------------------------------


@st.composite
def wrong_types(draw) -> Case:
    doc = draw(base_docs())
    places = _places(doc, draw)
    (place, key) = draw(st.sampled_from(sorted(FIELD_TYPES)))
    container = places[place]
    wrong = sorted(set(TYPE_SAMPLES) - FIELD_TYPES[(place, key)])
    if "number" in FIELD_TYPES[(place, key)]:
        wrong = [t for t in wrong if t != "integer"]
    if container is None or not wrong:
        return Case("wrong_type", doc.render(), "accept", note="no place")
    kind = draw(st.sampled_from(wrong))
    container[key] = doc.raw(TYPE_SAMPLES[kind])
    return Case("wrong_type", doc.render(), "refuse", note=f"{place}.{key}={kind}")


@st.composite
def missing_fields(draw) -> Case:
    doc = draw(base_docs())
    places = _places(doc, draw)
    place = draw(st.sampled_from(sorted(REQUIRED)))
    container = places[place]
    if container is None:
        return Case("missing_field", doc.render(), "accept", note="no link")
    key = draw(st.sampled_from(REQUIRED[place]))
    del container[key]
    return Case("missing_field", doc.render(), "refuse", note=f"{place}.{key}")


@st.composite
def non_finite(draw) -> Case:
    doc = draw(base_docs())
    places = _places(doc, draw)
    place = draw(st.sampled_from(sorted(places)))
    container = places[place]
    if container is None:
        container, place = doc.value["metadata"], "metadata"
    literal = draw(st.sampled_from(NON_FINITE))
    if draw(st.booleans()):
        # Replace a number the graph already has, else add a key.
        numeric = [k for k, v in container.items() if type(v) in (int, float) and k != "feature"]
        key = draw(st.sampled_from(numeric)) if numeric else "extra"
    else:
        key = "extra"
    if draw(st.booleans()):
        literal = f'[1, {{"x": {literal}}}]'  # inside a container
    container[key] = doc.raw(literal)
    return Case("non_finite", doc.render(), "refuse", note=f"{place}.{key}={literal}")


@st.composite
def deep_nesting(draw) -> Case:
    doc = draw(base_docs())
    places = _places(doc, draw)
    place = draw(st.sampled_from(sorted(places)))
    container = places[place] if places[place] is not None else doc.value["metadata"]
    depth = draw(st.sampled_from([65, 100, 1000, 5000, 50_000, 150_000]))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    inner = "1" if opener != "[" else ""
    text = opener * depth + inner + closer * depth
    container["deep"] = doc.raw(text)
    body = doc.render()
    return Case("deep_nesting", body, "refuse", note=f"{place} depth {depth}")


@st.composite
def shallow_nesting(draw) -> Case:
    """Nesting up to the limit is fine in a free-form extra key."""
    doc = draw(base_docs())
    depth = draw(st.integers(1, 62))
    doc.value["metadata"]["extra"] = doc.raw("[" * depth + "]" * depth)
    return Case("shallow_nesting", doc.render(), "accept", note=f"depth {depth}")


@st.composite
def duplicate_keys(draw) -> Case:
    doc = draw(base_docs())
    places = _places(doc, draw)
    place = draw(st.sampled_from(sorted(p for p in places if places[p])))
    container = places[place]
    key = draw(st.sampled_from(sorted(container)))
    # The decoy comes first, so a last-wins parser would see the original value: refused all
    # the same, whether the two values differ or not.
    decoy = json.dumps(container[key]) if draw(st.booleans()) else '"decoy"'
    items = list(container.items())
    container.clear()
    container[DUPLICATE_MARKER] = 0
    container.update(items)
    text = json.dumps(doc.value).replace(
        f'"{DUPLICATE_MARKER}": 0', f"{json.dumps(key)}: {decoy}", 1
    )
    return Case("duplicate_key", text.encode(), "refuse", note=f"{place}.{key}")


DUPLICATE_MARKER = "@@duplicate@@"


@st.composite
def huge_strings(draw) -> Case:
    doc = draw(base_docs())
    places = _places(doc, draw)
    place, key = draw(st.sampled_from([*FREE_STRINGS, ("metadata", "scan")]))
    size = draw(st.sampled_from([5_000, 60_000, 300_000, 700_000]))
    char = draw(st.sampled_from(["x", "\u00e9", "\U0001f600", "\\", '"']))
    places[place][key] = char * size
    ascii_only = draw(st.booleans())
    body = doc.render(ascii_only=ascii_only)
    # The string as written in the body (escapes included) against the parser's bound, and its
    # characters against the schema's limit of that field.
    written = len(json.dumps(char, ensure_ascii=ascii_only).encode()) - 2
    too_long = written * size > MAX_STRING_BYTES or size > STRING_LIMITS.get(key, size)
    expect = "refuse" if len(body) > FUZZ_UPLOAD_MAX_BYTES or too_long else "accept"
    return Case("huge_string", body, expect, note=f"{place}.{key} {size}x{char!r}")


@st.composite
def unicode_edges(draw) -> Case:
    doc = draw(base_docs())
    places = _places(doc, draw)
    place, key = draw(st.sampled_from([*FREE_STRINGS, ("metadata", "prompt_tokens")]))
    text = draw(st.sampled_from(UNICODE_EDGES) | st.text(st.characters(codec="utf-8"), max_size=20))
    if key == "prompt_tokens":
        places[place][key] = [*places[place][key], text or "x"]
    else:
        places[place][key] = text
    body = doc.render(ascii_only=draw(st.booleans()))
    return Case("unicode", body, "accept", note=f"{place}.{key}={text!r}")


@st.composite
def lone_surrogates(draw) -> Case:
    """Lone UTF-16 surrogates: escaped (\\ud800 in the JSON text) or raw (invalid UTF-8 bytes)."""
    doc = draw(base_docs())
    places = _places(doc, draw)
    place, key = draw(st.sampled_from(FREE_STRINGS))
    surrogate = draw(st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"]))
    places[place][key] = f"a{surrogate}b"
    escaped = draw(st.booleans())
    body = doc.render(ascii_only=escaped)
    # Raw, it is invalid UTF-8; escaped, it is not Unicode text: refused either way.
    expect = "refuse"
    return Case("lone_surrogate", body, expect, note=f"{place}.{key} {surrogate!r} esc={escaped}")


@st.composite
def semantic_violations(draw) -> Case:
    doc = draw(base_docs())
    nodes = doc.value["nodes"]
    tokens = doc.value["metadata"]["prompt_tokens"]
    node = _node(doc, draw)
    violation = draw(
        st.sampled_from(
            [
                "link_to_missing",
                "duplicate_node_id",
                "ctx_beyond_prompt",
                "negative_ctx",
                "unknown_feature_type",
                "empty_node_id",
                "empty_prompt_tokens",
                "scan_too_long",
                "negative_layer",
                "huge_layer",
                "huge_feature",
                "feature_beyond_int64",
            ]
        )
    )
    expect = "refuse"
    if violation == "link_to_missing":
        doc.value["links"].append(
            {"source": nodes[0]["node_id"], "target": "nope_1_1", "weight": 0.5}
        )
    elif violation == "duplicate_node_id":
        nodes.append(dict(node))
    elif violation == "ctx_beyond_prompt":
        node["ctx_idx"] = len(tokens) + draw(st.integers(0, 10**15))
    elif violation == "negative_ctx":
        node["ctx_idx"] = -draw(st.integers(1, 10**6))
    elif violation == "unknown_feature_type":
        node["feature_type"] = draw(st.text(max_size=10).filter(lambda t: t != "logit"))
        expect = "refuse"
    elif violation == "empty_node_id":
        node["node_id"] = ""
    elif violation == "empty_prompt_tokens":
        doc.value["metadata"]["prompt_tokens"] = []
    elif violation == "scan_too_long":
        doc.value["metadata"]["scan"] = "m" * draw(st.integers(129, 5000))
    elif violation == "negative_layer":
        # The format gives layers no range; a negative one is displayed, not refused.
        node["layer"] = draw(st.sampled_from([-1, -(10**9), "-3"]))
        expect = "either"
    elif violation == "huge_layer":
        node["layer"] = draw(st.sampled_from([10**6, 2**62, "999999999999"]))
        expect = "either"
    elif violation == "huge_feature":
        node["feature"] = 2**62
        expect = "accept"
    elif violation == "feature_beyond_int64":
        node["feature"] = 2**64 + 1  # valid JSON; our parser cannot hold it: refused, with a reason
    if violation == "unknown_feature_type" and node["feature_type"] in KNOWN_FEATURE_TYPES:
        expect = "accept"
    return Case("semantic", doc.render(), expect, note=violation)


@st.composite
def damaged_bytes(draw) -> Case:
    body = draw(base_docs()).render()
    how = draw(st.sampled_from(["truncate", "bad_bytes", "bom", "nul_byte", "overwrite"]))
    at = draw(st.integers(1, len(body) - 1))
    if how == "truncate":
        return Case("bytes", body[:at], "refuse", note=f"truncated at {at}/{len(body)}")
    if how == "bad_bytes":
        bad = draw(st.sampled_from(BAD_BYTES))
        return Case("bytes", body[:at] + bad + body[at:], "refuse", note=f"{bad!r} at {at}")
    if how == "bom":
        return Case("bytes", b"\xef\xbb\xbf" + body, "refuse", note="BOM")
    if how == "nul_byte":
        return Case("bytes", body[:at] + b"\x00" + body[at:], "refuse", note=f"NUL at {at}")
    chunk = draw(st.binary(min_size=1, max_size=8))
    changed = body[:at] + chunk + body[at + len(chunk) :]
    return Case("bytes", changed, "either", note=f"{chunk!r} over {at}")


TOP_LEVEL = [b"", b" ", b"\n\t ", b"null", b"[]", b"0", b'"graph"', b"{}", b"true", b"[{}]", b"{"]


@st.composite
def top_level(draw) -> Case:
    body = draw(st.sampled_from(TOP_LEVEL) | st.binary(max_size=40))
    return Case("top_level", body, "refuse", note=repr(body[:20]))


@st.composite
def valid_graphs(draw) -> Case:
    return Case("valid", draw(base_docs()).render(ascii_only=draw(st.booleans())), "accept")


DOCUMENT_KINDS = {
    "valid": valid_graphs,
    "wrong_type": wrong_types,
    "missing_field": missing_fields,
    "non_finite": non_finite,
    "deep_nesting": deep_nesting,
    "shallow_nesting": shallow_nesting,
    "duplicate_key": duplicate_keys,
    "huge_string": huge_strings,
    "unicode": unicode_edges,
    "lone_surrogate": lone_surrogates,
    "semantic": semantic_violations,
    "bytes": damaged_bytes,
    "top_level": top_level,
}


def document_cases(kind: str) -> st.SearchStrategy[Case]:
    return DOCUMENT_KINDS[kind]()
