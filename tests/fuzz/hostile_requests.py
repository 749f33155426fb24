"""Hypothesis strategies of valid graphs sent the wrong way: content types, content encodings,
gzip bombs (one member or many), nested, truncated or trailing-garbage gzip; and of hostile query
parameters (slug, title, description, visibility), each with what the product must answer."""

from __future__ import annotations

import gzip
import re
from urllib.parse import quote_from_bytes

from hypothesis import strategies as st

from tests.fuzz.harness import FUZZ_UPLOAD_MAX_BYTES
from tests.fuzz.hostile import Case, base_docs

# -- the way it is sent --------------------------------------------------------------------------


def _bomb(decoded_size: int) -> bytes:
    """A gzip body that inflates to `decoded_size` bytes of a JSON string (mostly spaces)."""
    return gzip.compress(b'{"metadata": "' + b" " * decoded_size + b'"}', compresslevel=9)


TRANSPORT_KINDS = [
    "json_charset",
    "text_plain",
    "multipart",
    "form",
    "octet",
    "no_type",
    "gzip",
    "x_gzip",
    "identity",
    "unknown_encoding",
    "gzip_not_gzip",
    "gzip_truncated",
    "gzip_nested",
    "gzip_bomb",
    "gzip_bomb_members",
    "gzip_trailing_garbage",
    "gzip_empty",
]


@st.composite
def transport_cases(draw, how: str) -> Case:
    body = draw(base_docs()).render()
    if how == "json_charset":
        return Case("transport", body, "accept", "application/json; charset=utf-8", note=how)
    if how == "text_plain":
        return Case("transport", body, "refuse", "text/plain", note=how)
    if how == "multipart":
        boundary = "fuzzboundary"
        multipart = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="g.json"\r\n'
                f"Content-Type: application/json\r\n\r\n"
            ).encode()
            + body
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return Case(
            "transport", multipart, "refuse", f"multipart/form-data; boundary={boundary}", note=how
        )
    if how == "form":
        return Case(
            "transport",
            b"graph=" + quote_from_bytes(body).encode(),
            "refuse",
            "application/x-www-form-urlencoded",
            note=how,
        )
    if how == "octet":
        return Case("transport", body, "refuse", "application/octet-stream", note=how)
    if how == "no_type":
        return Case("transport", body, "refuse", None, note=how)
    if how in ("gzip", "x_gzip"):
        encoding = "gzip" if how == "gzip" else "x-gzip"
        return Case("transport", gzip.compress(body), "accept", encoding=encoding, decoded=body)
    if how == "identity":
        return Case("transport", body, "accept", encoding="identity", note=how)
    if how == "unknown_encoding":
        encoding = draw(st.sampled_from(["br", "deflate", "gzip, gzip", "compress", "zstd"]))
        return Case("transport", body, "refuse", encoding=encoding, note=how)
    if how == "gzip_not_gzip":
        return Case("transport", body, "refuse", encoding="gzip", note=how)
    if how == "gzip_truncated":
        packed = gzip.compress(body)
        cut = draw(st.integers(1, len(packed) - 1))
        return Case("transport", packed[:cut], "refuse", encoding="gzip", note=f"{how} {cut}")
    if how == "gzip_nested":
        return Case(
            "transport", gzip.compress(gzip.compress(body)), "refuse", encoding="gzip", note=how
        )
    if how == "gzip_bomb":
        size = draw(st.sampled_from([FUZZ_UPLOAD_MAX_BYTES + 1, 4 * 1024 * 1024, 64 * 1024 * 1024]))
        return Case("transport", _bomb(size), "refuse", encoding="gzip", note=f"{how} {size}")
    if how == "gzip_bomb_members":
        # Many small members, each fine alone, together past the limit.
        member = gzip.compress(b" " * (64 * 1024))
        count = FUZZ_UPLOAD_MAX_BYTES // (64 * 1024) + 2
        packed = gzip.compress(b"{") + member * count + gzip.compress(b"}")
        return Case("transport", packed, "refuse", encoding="gzip", note=how)
    if how == "gzip_trailing_garbage":
        junk = draw(st.binary(min_size=1, max_size=16))
        return Case(
            "transport", gzip.compress(body) + junk, "refuse", encoding="gzip", note=f"{how}"
        )
    return Case("transport", b"", "refuse", encoding="gzip", note=how)


# -- query parameters ----------------------------------------------------------------------------


def _q(value: str) -> str:
    return quote_from_bytes(value.encode("utf-8", "surrogatepass"), safe="")


HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "x" * 201,
        "x" * 20_000,
        "a/b",
        "../etc",
        "a b",
        "a.b",
        "\x00",
        "a\x00b",
        "\ud800",
        "\u202e",
        "e\u0301",
        "<img src=x onerror=alert(1)>",
        "%00",
        "caf\u00e9",
    ]
) | st.text(max_size=30)


@st.composite
def query_cases(draw) -> Case:
    body = draw(base_docs()).render()
    name = draw(st.sampled_from(["slug", "title", "description", "visibility"]))
    value = draw(HOSTILE_TEXT)
    query = f"{name}={_q(value)}"
    if draw(st.booleans()):
        value = draw(HOSTILE_TEXT)
        query += f"&{name}={_q(value)}"  # a parameter twice: the last wins
    return Case("query", body, _query_expectation(name, value), query=query, note=query[:80])


SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _query_expectation(name: str, sent: str) -> str:
    """What the upload must answer to a valid graph with `name=sent` (as DRF reads it: percent-
    decoded with U+FFFD for bad UTF-8, whitespace trimmed, NUL refused)."""
    value = sent.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if value == "":
        return "accept"  # as in HTML forms, an empty optional parameter counts as absent
    if name == "visibility":
        return "accept" if value in ("private", "unlisted", "public") else "refuse"
    if "\x00" in value:
        return "refuse"
    value = value.strip()
    if name == "description":
        return "accept"
    if name == "title":
        return "accept" if 0 < len(value) <= 200 else "refuse"
    # A valid slug may already be taken by an earlier example: then refused, with a reason.
    return "either" if SLUG.fullmatch(value) and len(value) <= 200 else "refuse"
