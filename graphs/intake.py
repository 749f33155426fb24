"""Reading an uploaded graph body into a temporary file, within a size limit, gzip-bomb safe.

The body is never held whole in memory: it is copied chunk by chunk into a spooled temporary
file (in memory while small, on disk beyond SPOOL_MEMORY_BYTES). A gzip body is inflated with
a bounded output per step, so a few kilobytes that inflate to gigabytes stop at the limit.
"""

from __future__ import annotations

import tempfile
import zlib
from typing import IO

CHUNK = 256 * 1024
SPOOL_MEMORY_BYTES = 8 * 1024 * 1024


class BodyTooLarge(Exception):
    pass


class BodyUnreadable(Exception):
    pass


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def too_large_message(limit: int, *, decoded: bool = False) -> str:
    what = "the decompressed graph" if decoded else "the request body"
    return f"{what} is larger than the limit of {_mb(limit)} ({limit} bytes)"


def read_body(
    stream: IO[bytes] | None, *, limit: int, gzip_encoded: bool, declared_length: int | None
) -> IO[bytes]:
    """A seekable file holding the (decoded) JSON bytes, positioned at 0."""
    if declared_length is not None and declared_length > limit:
        raise BodyTooLarge(too_large_message(limit))
    # Returned open to the caller, who closes it; closed here on failure.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115
    try:
        if stream is not None:
            if gzip_encoded:
                inflate_bounded(stream, spool, limit)
            else:
                _copy(stream, spool, limit)
        spool.seek(0)
        return spool
    except BaseException:
        spool.close()
        raise


def _copy(stream: IO[bytes], spool: IO[bytes], limit: int) -> None:
    total = 0
    while chunk := stream.read(CHUNK):
        total += len(chunk)
        if total > limit:
            raise BodyTooLarge(too_large_message(limit))
        spool.write(chunk)


def inflate_bounded(stream: IO[bytes], spool: IO[bytes], limit: int) -> None:
    """Gunzip `stream` into `spool`, chunk by chunk; BodyTooLarge as soon as either side passes
    `limit` bytes (a gzip bomb stops there), BodyUnreadable for bad or truncated gzip."""
    # wbits 16+MAX_WBITS: gzip framing. Concatenated gzip members are legal; each starts afresh.
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    compressed = decoded = 0
    in_member = False
    try:
        while chunk := stream.read(CHUNK):
            compressed += len(chunk)
            if compressed > limit:
                raise BodyTooLarge(too_large_message(limit))
            data = chunk
            while True:
                in_member = True
                # max_length bounds what one call may produce; the rest waits in unconsumed_tail.
                out = inflater.decompress(data, CHUNK)
                decoded += len(out)
                if decoded > limit:
                    raise BodyTooLarge(too_large_message(limit, decoded=True))
                spool.write(out)
                if inflater.eof:
                    in_member = False
                    data = inflater.unused_data
                    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    if not data:
                        break
                    continue
                data = inflater.unconsumed_tail
                if not data and len(out) < CHUNK:
                    break
    except zlib.error as error:
        raise BodyUnreadable(f"the body is not valid gzip ({error})") from None
    if in_member:
        raise BodyUnreadable("the gzip body is truncated (the stream ends before the gzip trailer)")
