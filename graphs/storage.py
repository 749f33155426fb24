"""Graph bodies in Django storage: gzip-compressed JSON under a random key.

Bodies are written before their row and deleted after their row's deletion commits (see
graphs/services/), so a row never points to a missing body. A body whose row never committed
(a crash between the two steps) is removed by `sweep_orphan_bodies`.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import shutil
import tempfile
from dataclasses import dataclass
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage, storages

from graphs import conf
from graphs.ids import new_public_id

log = logging.getLogger(__name__)
BODY_PREFIX = "graphs/bodies/"
_CHUNK = 1024 * 1024


class StorageUnavailable(Exception):
    """The graph storage could not take a body (disk full, store unreachable). Nothing of it is
    left behind; the message says why, for a 503 or a job's reason."""


def graph_storage() -> Storage:
    return storages[str(conf.get("GRAPH_STORAGE_ALIAS"))]


@dataclass(frozen=True)
class StoredBody:
    key: str
    sha256: str
    byte_size: int  # uncompressed JSON
    stored_size: int  # gzip bytes in storage


class _HashingWriter:
    """A write-only file that hashes and counts what passes through it."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.target.write(data)

    def flush(self) -> None:
        self.target.flush()


def write_body(json_file: IO[bytes]) -> StoredBody:
    """Compress the JSON read from `json_file` and save it under a fresh key; one chunk in memory
    at a time. The caller owns the returned key until a row points to it."""
    with tempfile.TemporaryFile() as spool:
        hashing = _HashingWriter(spool)
        byte_size = 0
        # mtime=0: the same JSON always gives the same bytes, hence the same ETag.
        with gzip.GzipFile(
            fileobj=hashing, mode="wb", compresslevel=int(conf.get("GRAPH_GZIP_LEVEL")), mtime=0
        ) as gz:
            while chunk := json_file.read(_CHUNK):
                byte_size += len(chunk)
                gz.write(chunk)
        spool.seek(0)
        key = _save_whole(spool)
    return StoredBody(
        key=key, sha256=hashing.digest.hexdigest(), byte_size=byte_size, stored_size=hashing.size
    )


def _save_whole(spool: IO[bytes]) -> str:
    """Save `spool` under a fresh key, or leave nothing: a backend that fails halfway (a full
    disk) may have written part of the file, which is removed before the error goes up."""
    storage = graph_storage()
    key = f"{BODY_PREFIX}{new_public_id()}.json.gz"
    while storage.exists(key):  # 96 random bits: never in practice, but never someone else's
        key = f"{BODY_PREFIX}{new_public_id()}.json.gz"
    try:
        return storage.save(key, File(spool))
    except Exception as exc:
        try:
            storage.delete(key)
        except Exception:
            log.exception("could not remove the partial body %s; the sweep will", key)
        raise StorageUnavailable(f"could not store the graph: {exc}") from exc


def open_body(key: str) -> IO[bytes]:
    """The stored gzip bytes, as a file to stream from."""
    return graph_storage().open(key, "rb")


def open_body_json(key: str) -> IO[bytes]:
    """The decompressed JSON, streamed from storage."""
    return gzip.GzipFile(fileobj=open_body(key), mode="rb")


def delete_body(key: str) -> None:
    graph_storage().delete(key)


def copy_json(src: IO[bytes], dst: IO[bytes]) -> None:
    shutil.copyfileobj(src, dst, _CHUNK)
