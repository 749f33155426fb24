"""Reading a JSON body of dashboards one dashboard at a time, counting them as they stream past.

The body (`{"source_set": "...", "features": [dashboard, ...]}` or a bare list) is spooled to a
temporary file within FEATURES_UPLOAD_MAX_BYTES (gzip inflated with a bounded output), then
parsed by ijson: dashboards are built one by one and the upload is refused as soon as one more
than FEATURES_UPLOAD_MAX_FEATURES has started, so 20 MB of `{},{},...` never becomes millions of
Python objects. Strings are bounded while streaming and nesting is capped, as for graphs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import ijson

from graphs.features.schema import Problem
from graphs.features.upload_checks import (
    DEFAULT_SOURCE_SET,
    SOURCE_SET_RE,
    UploadRejected,
    too_large,
)
from graphs.intake import BodyTooLarge, BodyUnreadable, read_body
from graphs.validation.bounded import BoundedStringReader, StringTooLong, too_long_message

PARSE_BUFFER_BYTES = 4096  # as for graphs: small steps keep ijson's per-step work bounded
MAX_DEPTH = 64
GZIP_MAGIC = b"\x1f\x8b"

Events = Iterator[tuple[str, str, Any]]


class _Prefixed:
    """`head` then the rest of `stream`: the first bytes were read to recognise gzip."""

    def __init__(self, head: bytes, stream: Any) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if self._head:
            data, self._head = self._head, b""
            return data
        return self._stream.read(size)


def spool_body(stream: Any, limit: int) -> IO[bytes]:
    """The JSON bytes of the request body in a temporary file (gzip recognised by its magic)."""
    head = stream.read(2)
    try:
        return read_body(
            _Prefixed(head, stream),
            limit=limit,
            gzip_encoded=head == GZIP_MAGIC,
            declared_length=None,
        )
    except BodyTooLarge:
        raise too_large(limit + 1) from None
    except BodyUnreadable:
        raise UploadRejected([Problem("(body)", "is not valid gzip")]) from None


def _invalid(message: str) -> UploadRejected:
    return UploadRejected([Problem("(body)", f"is not valid JSON ({message})")])


def _build(first_event: str, first_value: Any, events: Events, where: str) -> Any:
    """One value from its first event; containers built with ijson's ObjectBuilder."""
    if first_event not in ("start_map", "start_array"):
        return first_value
    builder = ijson.ObjectBuilder()
    builder.event(first_event, first_value)
    depth = 1
    for _prefix, event, value in events:
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > MAX_DEPTH:
                raise UploadRejected(
                    [Problem(where, f"is nested more than {MAX_DEPTH} levels deep")]
                )
        elif event in ("end_map", "end_array"):
            depth -= 1
        builder.event(event, value)
        if depth == 0:
            return builder.value
    raise _invalid("the JSON ends too early")


def _items(events: Events, max_items: int, prefix: str) -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for _p, event, value in events:
        if event == "end_array":
            return items
        if len(items) == max_items:
            raise UploadRejected(
                [Problem("features", f"has more than {max_items} dashboards; at most {max_items}")]
            )
        where = f"{prefix}[{len(items)}]"
        items.append((where, _build(event, value, events, where)))
    raise _invalid("the JSON ends too early")


def parse_dashboards(fh: IO[bytes], max_items: int) -> tuple[str, list[tuple[str, Any]]]:
    """(source set, [(path, dashboard)]) from the JSON in `fh`; UploadRejected on the first
    thing refused (too many dashboards, malformed JSON, a bad source set)."""
    events = ijson.parse(BoundedStringReader(fh), use_float=True, buf_size=PARSE_BUFFER_BYTES)
    try:
        source_set, items = _document(events, max_items)
        for _ in events:  # the rest, so trailing garbage is refused
            pass
    except StringTooLong as error:
        raise UploadRejected([Problem("(body)", too_long_message(error.offset))]) from None
    except ijson.JSONError as error:
        raise _invalid(str(error).splitlines()[0] if str(error) else "unreadable") from None
    except UnicodeDecodeError:
        raise _invalid("not UTF-8 text") from None
    if not items:
        raise UploadRejected([Problem("features", "must be a non-empty list of dashboards")])
    return source_set, items


def _document(events: Events, max_items: int) -> tuple[str, list[tuple[str, Any]]]:
    first = next(events, None)
    if first is None:
        raise _invalid("the body is empty")
    _p, event, value = first
    if event == "start_array":
        return DEFAULT_SOURCE_SET, _items(events, max_items, "features")
    if event != "start_map":
        _build(event, value, events, "(body)")
        raise UploadRejected([Problem("features", "must be a non-empty list of dashboards")])
    source_set: Any = DEFAULT_SOURCE_SET
    items: list[tuple[str, Any]] | None = None
    for _p, event, key in events:
        if event == "end_map":
            break
        _p, event, value = next(events)
        if key == "features" and event == "start_array":
            items = _items(events, max_items, "features")
        elif key == "features":
            _build(event, value, events, "features")
            raise UploadRejected([Problem("features", "must be a non-empty list of dashboards")])
        else:
            built = _build(event, value, events, key)
            if key == "source_set":
                source_set = built
    if not isinstance(source_set, str) or not SOURCE_SET_RE.match(source_set):
        raise UploadRejected([Problem("source_set", "must be 1-100 letters, digits, . _ -")])
    return source_set, items or []
