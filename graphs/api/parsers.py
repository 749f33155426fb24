"""Request parsers: graph uploads get a temporary file, not parsed JSON; every other JSON body
goes through JSONBodyParser.

Parsing and validating a graph are the validator's job (streaming); here its body is only read
within the size limit, gzip-decoded when `Content-Encoding: gzip` says so.
"""

from __future__ import annotations

from rest_framework import status
from rest_framework.exceptions import APIException, ParseError, UnsupportedMediaType
from rest_framework.parsers import BaseParser, JSONParser

from graphs import conf
from graphs.intake import BodyTooLarge, BodyUnreadable, read_body


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class JSONBodyParser(JSONParser):
    """DRF's JSON parser, but a body nested too deeply for Python's json module (a few hundred
    kilobytes of "[" do it) is a 400, not a RecursionError and a 500. The default parser of the
    API (settings.REST_FRAMEWORK)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the JSON is nested too deeply") from None


class GraphFileParser(BaseParser):
    """application/json, optionally gzip content-encoded -> a seekable file of JSON bytes."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {})["request"]
        encoding = request.META.get("HTTP_CONTENT_ENCODING", "").strip().lower()
        if encoding not in ("", "identity", "gzip", "x-gzip"):
            raise UnsupportedMediaType(
                media_type,
                detail=f"Content-Encoding {encoding!r} is not supported (use gzip or none)",
            )
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) or None
        except ValueError:
            declared = None
        try:
            return read_body(
                stream,
                limit=int(conf.get("GRAPH_UPLOAD_MAX_BYTES")),
                gzip_encoded=encoding in ("gzip", "x-gzip"),
                declared_length=declared,
            )
        except BodyTooLarge as error:
            raise PayloadTooLarge(str(error)) from None
        except BodyUnreadable as error:
            raise ParseError(str(error)) from None


def uploaded_file(request):
    """The temporary file GraphFileParser made of the body; DRF hands over an empty dict instead
    when there was no body at all."""
    body = request.data
    if hasattr(body, "read"):
        return body
    if not request.META.get("CONTENT_LENGTH"):
        # A chunked body has no Content-Length, and DRF takes "no Content-Length" for "no body"
        # without calling the parser (nor checking the media type); the ASGI handler has the
        # body all the same.
        parser = GraphFileParser()
        media_type = request.content_type.split(";")[0].strip().lower()
        if media_type != parser.media_type:
            raise UnsupportedMediaType(request.content_type)
        body = parser.parse(request._request, parser_context={"request": request})
        if body.read(1):
            body.seek(0)
            return body
        body.close()
    raise ParseError("the request body is empty: send the graph JSON as the body")
