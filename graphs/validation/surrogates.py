"""Finding a lone UTF-16 surrogate escape (a "\\ud800" not followed by a low "\\udc00"-"\\udfff")
in raw JSON bytes.

JSON text may escape any UTF-16 code unit, so "\\ud800" alone is well-formed JSON, but it is not
Unicode text. Our parser (yajl) turns a lone high surrogate into "?" while the stored body keeps
the escape, so the metadata columns and the graph the browser sees would disagree; a lone low
surrogate makes yajl fail outright. Refusing both, with a message, keeps one meaning per upload.
"""

from __future__ import annotations

import re
from typing import IO

_HIGH = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}")
_LOW = re.compile(rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_CHUNK = 1024 * 1024
# Bytes kept from the previous chunk: the escape pair (12) and a run of backslashes before it.
_CARRY = 64


def _escaped(buffer: bytes, at: int) -> bool:
    """Whether the backslash at `at` is itself escaped (an odd run of backslashes before it)."""
    run = 0
    while at - run - 1 >= 0 and buffer[at - run - 1] == 0x5C:
        run += 1
    return run % 2 == 1


def first_lone_surrogate(fh: IO[bytes]) -> tuple[int, str] | None:
    """(byte offset, escape text) of the first lone high-surrogate escape in `fh`, read from its
    current position to the end; None when there is none."""
    base = 0  # offset in the file of buffer[0]
    buffer = b""
    checked = 0  # matches starting before this offset were decided already
    while True:
        chunk = fh.read(_CHUNK)
        at_end = not chunk
        buffer += chunk
        # Without the end in sight, a match needs its 12 bytes (high + low escape) to be decided.
        limit = len(buffer) if at_end else len(buffer) - 12
        for match in _HIGH.finditer(buffer):
            start = match.start()
            if start >= limit:
                break
            if base + start < checked or _escaped(buffer, start):
                continue
            if not _LOW.match(buffer, match.end()):
                return base + start, match.group().decode()
        if at_end:
            return None
        checked = base + max(limit, 0)
        keep = max(0, limit - _CARRY)
        base += keep
        buffer = buffer[keep:]
