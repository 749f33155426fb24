"""The Origin check of websocket handshakes: scheme, host and port, not the host name alone.

Browsers send `Origin` on every websocket handshake, with the page's cookies, so a page of
another origin must not open a socket signed in as its visitor. A handshake with an Origin is
let through when that origin is exactly the site's own (the scheme the connection was made
with, as Django sees it behind a trusted TLS proxy, and the Host's name and port) or one of
CSRF_TRUSTED_ORIGINS, and its host is in ALLOWED_HOSTS. Any other origin is refused before the
handshake completes, whichever port or scheme it names.

A handshake without an Origin comes from no browser (Python's `websockets`, scripts): it is let
through without its cookies, so it is signed in by an API token or not at all.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int]


def parse_origin(value: str) -> Origin | None:
    """(scheme, host, port) of an http(s) origin, ports made explicit; None otherwise."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _connection_scheme(scope: dict[str, Any]) -> str:
    if scope.get("scheme") in ("wss", "https"):
        return "https"
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        # "HTTP_X_FORWARDED_PROTO" -> b"x-forwarded-proto"
        name = proxy_header[0].removeprefix("HTTP_").lower().replace("_", "-").encode()
        if (_header(scope, name) or "").split(",")[0].strip() == proxy_header[1]:
            return "https"
    return "http"


def site_origin(scope: dict[str, Any]) -> Origin | None:
    """The site's own origin as this handshake reached it, or None without a usable Host."""
    host = _header(scope, b"host")
    if not host:
        return None
    scheme = _connection_scheme(scope)
    return parse_origin(f"{scheme}://{host}")


def origin_allowed(scope: dict[str, Any], origin: str) -> bool:
    parsed = parse_origin(origin)
    if parsed is None:
        return False
    domain, _port = split_domain_port(urlsplit(origin.strip()).netloc)
    if not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    trusted = {parse_origin(o) for o in getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}
    return parsed == site_origin(scope) or parsed in trusted


class SiteOriginValidator:
    def __init__(self, app) -> None:
        self.app = app
        self.deny = WebsocketDenier.as_asgi()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        origin = _header(scope, b"origin")
        if origin is None:
            headers = [(k, v) for k, v in scope.get("headers") or [] if k.lower() != b"cookie"]
            return await self.app({**scope, "headers": headers}, receive, send)
        if origin_allowed(scope, origin):
            return await self.app(scope, receive, send)
        return await self.deny(scope, receive, send)
