"""Graph bodies in Django storage: gzip-compressed JSON under a random key.

Bodies are written before their row and deleted after their row's deletion commits (see
graphs/services/), so a row never points to a missing body. A body whose row never committed
(a crash between the two steps) is removed by `sweep_orphan_bodies`.

A body appears under its key whole or not at all. On a filesystem it is written under
graphs/incoming/ first, flushed to disk, then renamed to its key (one atomic rename), so a process
killed mid-write leaves a file under graphs/incoming/ (which the audit reports and the sweep
removes), never a truncated body under its key. An S3 object appears only once its upload
completes, so there bodies are saved under their key directly.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
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
INCOMING_PREFIX = "graphs/incoming/"
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


def _local_path(storage: Storage, key: str) -> str | None:
    try:
        return storage.path(key)
    except NotImplementedError:  # not a filesystem (S3)
        return None


def _save_whole(spool: IO[bytes]) -> str:
    """Save `spool` under a fresh key, or leave nothing: a backend that fails halfway (a full
    disk) may have written part of the file, which is removed before the error goes up."""
    storage = graph_storage()
    name = f"{new_public_id()}.json.gz"
    key = f"{BODY_PREFIX}{name}"
    while storage.exists(key):  # 96 random bits: never in practice, but never someone else's
        name = f"{new_public_id()}.json.gz"
        key = f"{BODY_PREFIX}{name}"
    if _local_path(storage, key) is None:
        return _save_or_remove(storage, key, spool)
    incoming = _save_or_remove(storage, f"{INCOMING_PREFIX}{name}.part", spool)
    try:
        incoming_path, final_path = storage.path(incoming), storage.path(key)
        with open(incoming_path, "rb") as written:
            os.fsync(written.fileno())  # the bytes are on disk before the name says they are
        os.makedirs(os.path.dirname(final_path), exist_ok=True)
        os.replace(incoming_path, final_path)
    except OSError as exc:
        _remove_quietly(storage, incoming)
        raise StorageUnavailable(f"could not store the graph: {exc}") from exc
    return key


def _save_or_remove(storage: Storage, key: str, spool: IO[bytes]) -> str:
    try:
        return storage.save(key, File(spool))
    except Exception as exc:
        _remove_quietly(storage, key)
        raise StorageUnavailable(f"could not store the graph: {exc}") from exc


def _remove_quietly(storage: Storage, key: str) -> None:
    try:
        storage.delete(key)
    except Exception:
        log.exception("could not remove the partial body %s; the sweep will", key)


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
