"""A file wrapper that refuses a JSON string longer than a bound while the bytes stream past,
and stops a parse that has used up its CPU budget.

Why: yajl (ijson's C parser) keeps a string that spans its read steps in a buffer and lexes it
again from its start at every step, so one string of L bytes costs L * L / step: 8 MB of one
string took 2.4 s, 24 MB over 30 s. With every string bounded before yajl sees it, each costs at
most MAX_STRING_BYTES squared over the step, and parsing stays linear in the body size.

The scan runs in C (compiled regular expressions) over each chunk: runs of bytes outside strings
and whole short strings are skipped in one match; only a string that spans two chunks, or one
long enough to need an exact count, takes a few steps in Python.
"""

from __future__ import annotations

import re
import time
from typing import IO

# Longest JSON string accepted anywhere in a graph, in bytes as written (escapes included). The
# longest field the schema allows is a 10,000-character prompt, at most 60,000 bytes when every
# character is written as a \uXXXX escape.
MAX_STRING_BYTES = 64 * 1024

# Outside strings: bytes other than a quote, or a whole string short enough to be under the
# bound for sure: at most MAX_STRING_BYTES bytes without escapes, or half as many units (a byte or
# an escape pair, so never over the bound) with escapes. Possessive, so a longer string, or one
# cut by the chunk's end, stops the match at its opening quote without backtracking; the exact
# count in bytes is then done by the slow path below.
_SKIP = re.compile(
    rb'(?:[^"]++|"[^"\\]{0,%d}+"|"(?:[^"\\]|\\.){0,%d}+")*+'
    % (MAX_STRING_BYTES, MAX_STRING_BYTES // 2),
    re.DOTALL,
)
# Inside a string: content bytes and complete escapes; stops at the closing quote, or at a
# backslash that is the chunk's last byte.
_STRING_BODY = re.compile(rb'(?:[^"\\]++|\\.)*+', re.DOTALL)


class StringTooLong(Exception):
    """A string passed MAX_STRING_BYTES; `offset` is the byte where it starts."""

    def __init__(self, offset: int) -> None:
        super().__init__(f"a string starting at byte {offset} is longer than {MAX_STRING_BYTES}")
        self.offset = offset


class BudgetExceeded(Exception):
    """The parse used more than its CPU seconds."""

    def __init__(self, budget_s: float) -> None:
        super().__init__(f"over the CPU budget of {budget_s:g} s")
        self.budget_s = budget_s


def too_long_message(offset: int) -> str:
    return (
        f"holds a string longer than {MAX_STRING_BYTES:,} bytes (starting at byte {offset}); "
        "no field of a graph may be that long (prompts hold at most 10,000 characters)"
    )


class BoundedStringReader:
    """Reads from `raw` like a binary file; raises StringTooLong or BudgetExceeded from read().

    `cpu_budget_s` counts the CPU time of the calling thread from this reader's creation (a web
    request runs in one thread), so it bounds the parse and the checks done between reads.
    """

    def __init__(self, raw: IO[bytes], cpu_budget_s: float | None = None) -> None:
        self._raw = raw
        self._offset = 0  # bytes handed out so far
        self._in_string = False
        self._escape_pending = False
        self._string_start = 0
        self._string_length = 0
        self._budget_s = cpu_budget_s
        self._cpu_start = time.thread_time()

    def read(self, size: int = -1) -> bytes:
        if self._budget_s is not None and time.thread_time() - self._cpu_start > self._budget_s:
            raise BudgetExceeded(self._budget_s)
        data = self._raw.read(size)
        if data:
            self._scan(data)
            self._offset += len(data)
        return data

    def _scan(self, data: bytes) -> None:
        pos, end = 0, len(data)
        while pos < end:
            if not self._in_string:
                pos = _SKIP.match(data, pos).end()
                if pos == end:
                    return
                # An opening quote the fast match could not take whole.
                self._in_string = True
                self._string_start = self._offset + pos
                self._string_length = 0
                pos += 1
                continue
            if self._escape_pending:  # the escaped byte after a backslash ending the last chunk
                self._escape_pending = False
                self._string_length += 1
                pos += 1
                continue
            stop = _STRING_BODY.match(data, pos).end()
            self._string_length += stop - pos
            if self._string_length > MAX_STRING_BYTES:
                raise StringTooLong(self._string_start)
            if stop == end:
                return
            if data[stop] == 0x22:  # the closing quote
                self._in_string = False
                pos = stop + 1
            else:  # a backslash as the chunk's last byte: its escaped byte comes next
                self._escape_pending = True
                self._string_length += 1
                pos = stop + 1
