"""Reading an upload request of dashboards within the size limit.

JSON bodies are read from the raw stream (gzip recognised by its magic bytes) into a temporary
file, so Django's small in-memory body limit does not apply and ours (FEATURES_UPLOAD_MAX_BYTES)
does, then parsed one dashboard at a time, counted as they come (graphs/features/upload_stream.py);
multipart files (`files`) are counted before they are read.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from graphs.features import conf
from graphs.features.schema import Problem
from graphs.features.upload_checks import (
    DEFAULT_SOURCE_SET,
    SOURCE_SET_RE,
    UploadRejected,
    inflate,
    parse_json,
    too_large,
)
from graphs.features.upload_stream import parse_dashboards, spool_body


def _declared_length(request: Request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def read_upload(request: Request) -> tuple[str, list[tuple[str, Any]]]:
    limit = int(conf.get("UPLOAD_MAX_BYTES"))
    if _declared_length(request) > limit:
        raise too_large(_declared_length(request))
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data"):
        return _read_files(request, limit)
    if not content_type.startswith("application/json"):
        raise UploadRejected(
            [Problem("(body)", "send application/json or multipart/form-data files")], status=415
        )
    # gzip is recognised by its magic bytes, with or without `Content-Encoding: gzip`.
    body = spool_body(request._request, limit)
    try:
        return parse_dashboards(body, int(conf.get("UPLOAD_MAX_FEATURES")))
    finally:
        body.close()


def _read_files(request: Request, limit: int) -> tuple[str, list[tuple[str, Any]]]:
    files = request._request.FILES.getlist("files")
    if not files:
        raise UploadRejected([Problem("files", "attach at least one dashboard file")])
    if len(files) > int(conf.get("UPLOAD_MAX_FEATURES")):
        raise UploadRejected(
            [Problem("files", f"has {len(files)} files; at most {conf.get('UPLOAD_MAX_FEATURES')}")]
        )
    if sum(f.size for f in files) > limit:
        raise too_large(sum(f.size for f in files))
    source_set = request._request.POST.get("source_set", DEFAULT_SOURCE_SET)
    if not SOURCE_SET_RE.match(source_set):
        raise UploadRejected([Problem("source_set", "must be 1-100 letters, digits, . _ -")])
    # One budget for all files together, counted after decompression.
    budget = limit
    items: list[tuple[str, Any]] = []
    for i, upload in enumerate(files):
        where = f"files[{i}] ({upload.name})"
        data = inflate(upload.read(), where, budget)
        budget -= len(data)
        items.append((f"files[{i}]", parse_json(data, where)))
    return source_set, items
