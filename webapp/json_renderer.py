"""DRF's JSON renderer on orjson: the same compact JSON for what our serializers produce (strings,
numbers, lists, dicts) in a fraction of the time. Types orjson does not know (lazy strings,
Decimals, UUIDs...) go through DRF's own encoder; an indented answer (`; indent=N` in Accept) is
DRF's. One difference: orjson writes a NaN or an infinity as null where DRF's strict renderer
would fail the request; no model field of ours holds one (the validators refuse them)."""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_fallback = JSONEncoder()


def dumps(data: Any) -> bytes:
    """`data` as compact UTF-8 JSON bytes."""
    return orjson.dumps(data, default=_fallback.default, option=orjson.OPT_NON_STR_KEYS)


class FastJSONRenderer(JSONRenderer):
    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context=None
    ) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        return dumps(data)
