"""Walk a graph JSON file with ijson, one node or link at a time.

The top-level keys other than `nodes` and `links` (metadata, qParams, ...) are small and built
whole; nodes and links are built one item at a time and handed to a callback, so memory stays
bounded by the largest single item whatever the file's size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

import ijson

from graphs.validation.bounded import BoundedStringReader, StringTooLong, too_long_message

ITEM_KEYS = ("nodes", "links")

_OPENERS = {"start_map", "start_array"}
_CLOSERS = {"end_map", "end_array"}

# Deepest nesting accepted in one top-level value or one node/link (the value is level 1). Real
# graphs nest a few levels (qk_tracing_results: 4); code downstream (the finiteness check, jsonb
# encoding, the response renderer) recurses, so thousands of levels would end in a RecursionError.
MAX_DEPTH = 64
# Bytes ijson parses per step. Its C parser turns a whole step into events, each carrying its full
# path ("item.item.item..."), before we see the first: with the default 64 KB, 64 KB of "[" makes
# 64K events with paths up to 320 KB long and costs ~30 s of CPU before MAX_DEPTH can act. 4 KB
# bounds that to milliseconds and is no slower on ordinary graphs (measured: 15 MB in 0.49 s vs
# 0.54 s).
PARSE_BUFFER_BYTES = 4096


class MalformedJSON(Exception):
    """The bytes are not JSON; `path` is where the parser was when it gave up."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class _Refused(Exception):
    """Well-formed JSON we will not accept (too deep, a key twice), with the path below the value."""

    def __init__(self, message: str, inner: list[str]) -> None:
        super().__init__(message)
        self.message = message
        self.inner = inner


class _ErrorInside(Exception):
    """A parse error inside a value, with the path (below the value) of the last good event."""

    def __init__(self, error: Exception, inner: list[str]) -> None:
        self.error = error
        self.inner = inner


def _inner_path(prefix: str, event: str, value: Any, depth_prefix: str) -> list[str]:
    # ijson prefixes look like "nodes.item.qk.item"; keep what lies below the built value.
    rest = prefix[len(depth_prefix) :].lstrip(".") if prefix.startswith(depth_prefix) else ""
    parts = [p for p in rest.split(".") if p] if rest else []
    if event == "map_key":
        parts.append(str(value))
    return parts


def _build(
    first_event: str, first_value: Any, events: Iterator[tuple[str, str, Any]], base: str = ""
) -> Any:
    """The value starting with (first_event, first_value), built from the following events.

    Built by hand rather than with ijson's ObjectBuilder: this loop runs for every event of a
    100 MB upload, and the plain version costs half as much.
    """
    if first_event not in _OPENERS:
        return first_value
    root: Any = {} if first_event == "start_map" else []
    container = root
    stack: list[Any] = []
    key: Any = None
    prefix, event, value = base, first_event, first_value
    try:
        for prefix, event, value in events:  # prefix is also read in the except clause
            if event == "map_key":
                if value in container:
                    # Parsers disagree on which of two equal keys wins (ours: the last; a
                    # streaming reader sees both), so a duplicate could mean two graphs at once.
                    raise _Refused(
                        f"the key {value!r} appears twice in the same object; keys must be unique",
                        _inner_path(prefix, event, value, base),
                    )
                key = value
            elif event == "end_map" or event == "end_array":
                if not stack:
                    break
                container = stack.pop()
            elif event == "start_map" or event == "start_array":
                # The value itself is level 1; this child would be level len(stack) + 2.
                if len(stack) + 2 > MAX_DEPTH:
                    raise _Refused(
                        f"is nested more than {MAX_DEPTH} levels deep (graphs need a few levels)",
                        _inner_path(prefix, event, value, base),
                    )
                child: Any = {} if event == "start_map" else []
                if type(container) is dict:
                    container[key] = child
                else:
                    container.append(child)
                stack.append(container)
                container = child
            elif type(container) is dict:
                container[key] = value
            else:
                container.append(value)
    except ijson.JSONError as error:
        # The loop variables still hold the last event parsed before the error.
        raise _ErrorInside(error, _inner_path(prefix, event, value, base)) from None
    return root


def _explain(error: Exception) -> str:
    text = str(error)
    if "premature EOF" in text:
        return "the JSON ends too early (the file looks truncated)"
    if "integer overflow" in text:
        return "an integer is too large: integers must lie within ±9223372036854775807 (64 bits)"
    if "overflow" in text:
        return "a number is too large to be finite"
    if "trailing garbage" in text:
        return "there is more data after the end of the JSON document"
    # yajl quotes the text around the error on the lines after its message.
    snippet = "\n".join(text.splitlines()[1:])
    if any(word in snippet for word in ("NaN", "Infinity")):
        return "NaN and Infinity are not JSON numbers: every number must be finite"
    first_line = text.splitlines()[0] if text else "unreadable input"
    return f"the JSON is malformed ({first_line})"


class GraphWalker:
    """Calls on_value(key, value) for each small top-level key, and on_item(key, index, item)
    for each element of the `nodes` and `links` arrays, in document order."""

    def __init__(
        self,
        on_value: Callable[[str, Any], None],
        on_item: Callable[[str, int, Any], None],
        on_array_end: Callable[[str, int], None],
    ) -> None:
        self.on_value = on_value
        self.on_item = on_item
        self.on_array_end = on_array_end
        self._where = "(document)"

    def walk(self, fh: IO[bytes], cpu_budget_s: float | None = None) -> None:
        """Raises MalformedJSON for what we refuse to parse, BudgetExceeded (from bounded.py)
        when the parse takes more than `cpu_budget_s` seconds of CPU."""
        reader = BoundedStringReader(fh, cpu_budget_s)
        events = ijson.parse(reader, use_float=True, buf_size=PARSE_BUFFER_BYTES)
        try:
            self._walk(events)
        except StringTooLong as error:
            raise MalformedJSON(self._where, too_long_message(error.offset)) from None
        except _ErrorInside as inside:
            raise MalformedJSON(self._below(inside.inner), _explain(inside.error)) from None
        except _Refused as refused:
            raise MalformedJSON(self._below(refused.inner), refused.message) from None
        except ijson.JSONError as error:
            raise MalformedJSON(self._where, _explain(error)) from None
        except UnicodeDecodeError:
            raise MalformedJSON(
                self._where,
                "the document is not valid UTF-8 text (or a string escapes a lone UTF-16 "
                "surrogate, such as \\udc00)",
            ) from None

    def _below(self, inner: list[str]) -> str:
        # A path 64 levels deep says no more than its first few steps.
        shown = "".join("[...]" if part == "item" else f".{part}" for part in inner[:8])
        return self._where + shown + ("..." if len(inner) > 8 else "")

    def _walk(self, events: Iterator[tuple[str, str, Any]]) -> None:
        first = next(events, None)
        if first is None:
            raise MalformedJSON("(document)", "the body is empty: expected a JSON object")
        _prefix, event, value = first
        if event != "start_map":
            _build(event, value, events)
            raise MalformedJSON("(document)", "the graph must be a JSON object")
        for _prefix, event, value in events:
            if event == "end_map":
                break
            key = value  # a map_key at the top level
            self._where = key
            _p, event, value = next(events)
            if key in ITEM_KEYS and event == "start_array":
                self._items(key, events)
            else:
                self.on_value(key, _build(event, value, events, key))
        self._where = "(document)"
        for _ in events:  # drain, so the parser reports trailing garbage
            pass

    def _items(self, key: str, events: Iterator[tuple[str, str, Any]]) -> None:
        index = 0
        for _prefix, event, value in events:
            if event == "end_array":
                break
            self._where = f"{key}[{index}]"
            self.on_item(key, index, _build(event, value, events, f"{key}.item"))
            index += 1
        self._where = key
        self.on_array_end(key, index)


def iter_links(fh: IO[bytes], cpu_budget_s: float | None = None) -> Iterator[Any]:
    """The links alone, parsed in C: the second pass when links precede nodes in the file (whose
    strings the first pass bounded already; the reader keeps the CPU budget)."""
    return ijson.items(BoundedStringReader(fh, cpu_budget_s), "links.item", use_float=True)
