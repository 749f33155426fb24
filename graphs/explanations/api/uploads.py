"""The body of a staff import upload: a JSON list or JSON Lines, raw or gzip (as a file or as
Content-Encoding), spooled to a temporary file within EXPLANATIONS_UPLOAD_MAX_BYTES counted after
decompression, so neither a large body nor a gzip bomb gets past the limit."""

from __future__ import annotations

import tempfile
from typing import IO

from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.parsers import BaseParser

from graphs.api.parsers import PayloadTooLarge
from graphs.explanations import conf
from graphs.intake import SPOOL_MEMORY_BYTES, BodyTooLarge, BodyUnreadable, inflate_bounded
from graphs.intake import read_body as read_bounded

MEDIA_TYPES = (
    "application/json",
    "application/x-ndjson",
    "application/jsonl",
    "application/gzip",
    "application/octet-stream",
)


class ExplanationFileParser(BaseParser):
    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None) -> IO[bytes]:
        request = (parser_context or {})["request"]
        kind = (media_type or "").split(";")[0].strip().lower()
        if kind not in MEDIA_TYPES:
            raise UnsupportedMediaType(
                media_type or "", detail=f"send one of {', '.join(MEDIA_TYPES)}"
            )
        encoding = request.META.get("HTTP_CONTENT_ENCODING", "").strip().lower()
        if encoding not in ("", "identity", "gzip", "x-gzip"):
            raise UnsupportedMediaType(media_type, detail="Content-Encoding must be gzip or none")
        limit = int(conf.get("IMPORT_UPLOAD_MAX_BYTES"))
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) or None
        except ValueError:
            declared = None
        try:
            body = read_bounded(
                stream,
                limit=limit,
                gzip_encoded=encoding in ("gzip", "x-gzip"),
                declared_length=declared,
            )
            if body.read(2) != b"\x1f\x8b":  # a .gz file sent as is
                body.seek(0)
                return body
            body.seek(0)
            inflated = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115
            try:
                inflate_bounded(body, inflated, limit)
            except BaseException:
                inflated.close()
                raise
            finally:
                body.close()
            inflated.seek(0)
            return inflated
        except BodyTooLarge as error:
            raise PayloadTooLarge(str(error).replace("graph", "file")) from None
        except BodyUnreadable as error:
            raise ParseError(str(error)) from None
