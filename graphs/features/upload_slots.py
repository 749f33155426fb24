"""A bound on the dashboard uploads one server process parses at once.

Each upload may turn up to FEATURES_UPLOAD_MAX_BYTES of JSON into Python objects; without a
bound, a handful of simultaneous uploads multiply that. Past FEATURES_UPLOAD_CONCURRENCY the next
upload is refused at once (503 with Retry-After) rather than queued, so no request thread waits.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from graphs.errors import Unavailable
from graphs.features import conf

RETRY_AFTER_S = 5

_lock = threading.Lock()
_in_progress = 0


@contextmanager
def upload_slot() -> Iterator[None]:
    global _in_progress
    with _lock:
        if _in_progress >= int(conf.get("UPLOAD_CONCURRENCY")):
            raise Unavailable(
                "too many dashboard uploads are being processed on this server; try again in a "
                "few seconds",
                retry_after_s=RETRY_AFTER_S,
            )
        _in_progress += 1
    try:
        yield
    finally:
        with _lock:
            _in_progress -= 1
